"""A text run whose served classifier stopped answering ends as ``model_unavailable``, as a
fairness or backdoor run does (hostile51).

The panel of classifiers named the classifier in the error by raising a new ``ModelError``,
which dropped its class: a server gone mid-run left the text run ``failed`` (its headline
"the run failed before it finished"), the Python caller got a bare ``ModelError``, and the
documented ``model_unavailable`` (resumable once the endpoint is back) was never said."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from serving_servers import FaultServer

from assay.core.store import RunStore
from assay.errors import ModelUnavailable
from assay.models.http import ServingOptions
from assay.text.api import check_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

pytestmark = pytest.mark.slow

# every request after the first 20 is dropped: the error-rate window turns first
GONE = ServingOptions(batch_size=16, timeout=0.5, retries=1, backoff=0.01, error_window=6)


def test_a_served_classifier_gone_mid_run_leaves_the_text_run_model_unavailable(
    tmp_path: Path,
) -> None:
    store = RunStore(tmp_path / "runs.db")
    lexicon = str(Path(text_fakes.__file__)) + ":lexicon"
    faults = dict.fromkeys(range(21, 100_000), "drop")
    server = FaultServer(text_fakes.negation_blind, faults=faults)
    with server, pytest.raises(ModelUnavailable, match=r"^classifier b: "):
        check_text(
            [lexicon, server.url],
            names=["a", "b"],
            grammar="builtin:reviews",
            max_queries=20_000,
            seed=1,
            store=store,
            serving=GONE,
        )
    (run,) = store.list_runs()
    assert run.status == "model_unavailable", run.status
