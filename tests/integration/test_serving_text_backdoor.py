"""Text and backdoor runs against served models behind a real, faulty loopback server.

The same classifier answers locally and over HTTP while the server injects 500s, 429s,
slow answers, dropped connections and cut JSON: the run completes with the local run's
findings, and the retries are counted in the run's summary (and so in every report).  A
token passed through ``--header-env`` appears nowhere.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer, fault_schedule

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore
from assay.models.http import ServingOptions
from assay.text.api import check_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

pytestmark = pytest.mark.slow

OPTS = ServingOptions(batch_size=64, timeout=0.5, retries=2, backoff=0.01)


def _sentences(store: RunStore, run_id: str) -> list[str]:
    return sorted(json.dumps(b.to_json()) for batch in store.iter_batches(run_id) for b in batch)


def test_text_with_a_served_classifier_keeps_the_local_findings(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    lexicon = str(Path(text_fakes.__file__)) + ":lexicon"
    blind = str(Path(text_fakes.__file__)) + ":negation_blind"
    kw = {"grammar": "builtin:reviews", "max_queries": 600, "seed": 3, "store": store}
    local = check_text([lexicon, blind], names=["a", "b"], **kw)  # type: ignore[arg-type]
    assert local.n_findings > 0
    with FaultServer(text_fakes.negation_blind, faults=fault_schedule(200, every=3)) as server:
        served = check_text(
            [lexicon, server.url],
            names=["a", "b"],
            serving=OPTS,
            **kw,  # type: ignore[arg-type]
        )
        injected = dict(server.injected)
    assert served.status == local.status
    assert _sentences(store, served.run_id) == _sentences(store, local.run_id)
    assert sum(injected.values()) > 0
    stats = store.get_run(served.run_id).summary["serving"]
    assert stats["retried"] >= sum(injected.values()) and stats["failed"] == 0


def test_backdoor_with_a_served_model_keeps_the_local_findings(tmp_path: Path) -> None:
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=1, triggers=[trig])
    x = d.clean_images
    scan = x[200:216].copy()
    scan[::2] = trig.apply(scan[::2])

    def proba(batch: np.ndarray) -> np.ndarray:
        flat = np.asarray(batch, dtype=np.float64).reshape(len(batch), -1)
        out: np.ndarray = d.model.predict_proba(flat)
        return out

    store = RunStore(tmp_path / "runs.db")
    kw = {
        "images": scan[..., 0] * 16.0,  # in the model's own range, 0..16
        "clean": x[:120, :, :, 0] * 16.0,
        "value_range": "0,16",
        "seed": 2,
        "store": store,
        "input_shape": "64",
    }
    local = check_backdoor(proba, **kw)  # type: ignore[arg-type]
    assert local.n_findings > 0
    token = "s3cret-token-value"
    os.environ["ASSAY_TEST_TOKEN"] = token
    opts = ServingOptions(
        batch_size=64,
        timeout=0.5,
        retries=2,
        backoff=0.01,
        header_env=("Authorization=ASSAY_TEST_TOKEN",),
    )
    with FaultServer(proba, faults=fault_schedule(120, every=4), token=token) as server:
        served = check_backdoor(server.url, serving=opts, **kw)  # type: ignore[arg-type]
        injected = dict(server.injected)
    assert _sentences(store, served.run_id) == _sentences(store, local.run_id)
    assert sum(injected.values()) > 0
    stats = store.get_run(served.run_id).summary["serving"]
    assert stats["retried"] >= sum(injected.values()) and stats["failed"] == 0
    db = b"".join(p.read_bytes() for p in tmp_path.glob("runs.db*"))
    assert token.encode() not in db


DYING = ServingOptions(batch_size=64, timeout=0.3, retries=1, backoff=0.01)


def _dies_after(requests: int) -> dict[int, str]:
    """Every request after the first ``requests`` times out (a server that hangs for good)."""
    return dict.fromkeys(range(requests + 1, requests + 100_000), "slow")


def test_text_with_a_served_classifier_that_dies_mid_run_is_a_model_failure(
    tmp_path: Path,
) -> None:
    """Two identical classifiers (nothing to find), one served; the server hangs after a few
    requests. Under --max-time the retries could spend the time left below the error-rate
    window and the run read as a clean budget stop (exit 0): it must be a model failure."""
    from assay.errors import ModelError

    store = RunStore(tmp_path / "runs.db")
    lexicon = str(Path(text_fakes.__file__)) + ":lexicon"
    # (after 60 answered requests the error-rate window is full of successes: the time
    # runs out before it turns)
    dying = FaultServer(text_fakes.lexicon, faults=_dies_after(60), slow_seconds=1.0)
    with dying as server, pytest.raises(ModelError, match=r"stopped answering|unavailable"):
        check_text(
            [lexicon, server.url],
            names=["a", "b"],
            grammar="builtin:reviews",
            max_time=8,
            seed=1,
            store=store,
            serving=DYING,
        )
    assert server.posts > 60
    (run,) = store.list_runs()
    assert run.status not in ("completed", "budget_exhausted"), run.status


def test_backdoor_with_a_served_model_that_dies_mid_run_is_a_model_failure(
    tmp_path: Path,
) -> None:
    """A clean model served, hanging after three requests: a model failure, never a pass
    (here the error-rate window turns first; the text test above takes the time path)."""
    from assay.backdoor.demo import trojaned_digits
    from assay.errors import ModelUnavailable

    d = trojaned_digits(seed=1, triggers=[])  # a clean model: nothing to find

    def proba(batch: np.ndarray) -> np.ndarray:
        flat = np.asarray(batch, dtype=np.float64).reshape(len(batch), -1)
        out: np.ndarray = d.model.predict_proba(flat)
        return out

    store = RunStore(tmp_path / "runs.db")
    x = d.clean_images
    dying = FaultServer(proba, faults=_dies_after(3), slow_seconds=1.0)
    with dying as server, pytest.raises(ModelUnavailable):
        check_backdoor(
            server.url,
            images=x[200:230, :, :, 0] * 16.0,
            clean=x[:120, :, :, 0] * 16.0,
            value_range="0,16",
            input_shape="64",
            seed=2,
            store=store,
            max_time=4,
            serving=DYING,
        )
    (run,) = store.list_runs()
    assert run.status == "model_unavailable", run.status
