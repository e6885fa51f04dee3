"""left34: a served model's credentials never travel in its pickle.

The model goes to the Dask workers pickled (as it must); its ``--header-env`` headers (and
the Basic credentials of a ``user:password@`` URL) were in that pickle, and a worker keeps
the loaded model among its results, which it spills to disk under memory pressure: the token
written to its scratch directory.  Now the pickle goes without them, the executor hands them
to each unit beside it, and a copy that was never given them refuses to send a request.
"""

from __future__ import annotations

import base64
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel, ServingOptions

TOKEN = "Bearer tok-4f9c2a7e1b"
PASSWORD = "pw-8d3e6c0a5f"


def _served(url: str, **kw: Any) -> HttpModel:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    return HttpModel(url, capabilities=caps, protocol="json", **kw)


def test_the_pickle_of_a_served_model_holds_no_credential() -> None:
    model = _served(f"http://user:{PASSWORD}@127.0.0.1:9/predict", headers={"X-Key": TOKEN})
    blob = pickle.dumps(model)
    basic = base64.b64encode(f"user:{PASSWORD}".encode())
    for secret in (TOKEN.encode(), b"tok-4f9c2a7e1b", PASSWORD.encode(), basic):
        assert secret not in blob
    assert model.headers["X-Key"] == TOKEN  # (the model itself keeps them)
    copy = pickle.loads(blob)
    with pytest.raises(ModelError, match=r"made from a pickle.*\(Authorization, X-Key\)"):
        copy.predict(np.zeros((1, 3)))
    copy.give_secrets(model.withheld_secrets())
    assert copy.headers == model.headers and not copy._withheld


URL_KEY = "qk-7d1e9b3c5a2f"


@pytest.mark.parametrize("where", ["header", "query"])
def test_a_served_model_with_a_token_runs_on_dask_without_it_in_any_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The token as a header (left34), or as a key in the URL's query (serve42: the pickle
    held it twice, the URL and the values to scrub)."""
    distributed = pytest.importorskip("distributed")
    from sklearn.tree import DecisionTreeClassifier

    import assay.execution.dask as dask_units
    from assay import check_fairness
    from assay.datasets import load_dataset

    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0, max_depth=6).fit(ds.X, ds.target)
    monkeypatch.setenv("LEFT34_TOKEN", TOKEN)
    blobs: list[bytes] = []
    pickled = dask_units._pickled

    def kept(obj: Any, what: str) -> bytes:
        blobs.append(pickled(obj, what))
        return blobs[-1]

    monkeypatch.setattr(dask_units, "_pickled", kept)
    by_header = where == "header"
    opts = ServingOptions(
        batch_size=500, header_env=("Authorization=LEFT34_TOKEN",) if by_header else ()
    )
    secret = b"tok-4f9c2a7e1b" if by_header else URL_KEY.encode()
    with (
        FaultServer(
            tree.predict_proba,
            token=TOKEN if by_header else None,
            url_token=None if by_header else URL_KEY,
        ) as server,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
    ):
        result = check_fairness(
            server.url if by_header else f"{server.url}?token={URL_KEY}",
            serving=opts,
            dataset="adult",
            protected="sex",
            max_queries=4000,
            seed=3,
            units=2,
            answer=False,
            executor="dask",
            scheduler=cluster.scheduler_address,
            store=tmp_path / "r.db",
        )
    assert result.status in ("completed", "budget_exhausted")
    stats = result.summary["serving"]
    assert stats["statuses"].get("401", 0) == 0 and stats["requests"] > 0
    assert len(result.summary["units"]["queries"]) == 2
    assert blobs and all(secret not in b for b in blobs)
    assert secret not in (tmp_path / "r.db").read_bytes()
    assert "tok-4f9c2a7e1b" not in repr(
        dask_units.Sealed(_served(server.url, headers={"A": TOKEN}))
    )


def test_a_served_text_classifier_with_a_token_runs_on_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A panel's served classifier (a ``NamedLabelsModel`` over the endpoint's ``predict``)
    gets its token back on each worker: the run's requests are answered, none refused."""
    pytest.importorskip("distributed")
    import sys

    from assay.text.api import check_text, setup_text

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
    import text_fakes

    monkeypatch.setenv("LEFT34_TOKEN", TOKEN)
    opts = ServingOptions(batch_size=64, header_env=("Authorization=LEFT34_TOKEN",))
    with FaultServer(text_fakes.negation_blind, token=TOKEN) as server:
        setup = setup_text(
            [f"{text_fakes.__file__}:lexicon", server.url],
            names=["a", "b"],
            grammar="builtin:reviews",
            serving=opts,
        )
        result = check_text(
            setup=setup, max_queries=600, seed=5, units=2, executor="dask", workers=2,
            store=tmp_path / "r.db",
        )  # fmt: skip
    assert result.status in ("completed", "budget_exhausted") and result.n_findings > 0
    stats = result.summary["serving"]
    assert stats["statuses"].get("401", 0) == 0 and stats["requests"] > 0
