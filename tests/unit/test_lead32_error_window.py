"""A served model object's window of request outcomes (what ``stopped_answering`` and the
error rate read) is each session's own: an object reused after a run whose endpoint failed
its last request made the next run "stop answering" before it asked anything (mutation33b's
Left 1)."""

from __future__ import annotations

from pathlib import Path

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.models.http import HttpModel
from assay.models.serving import follow_served, stopped_answering

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


def test_a_new_session_starts_with_an_empty_error_window(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.db")
    for run in ("fairness-1", "fairness-2"):
        store.create_run(
            run_id=run, technique="fairness", seed=1, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
    model = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    follow_served(store, "fairness-1", [model])
    model._outcomes.append(False)  # the first run's last request failed after its retries
    model.stats.errors.append({"time": 0.0, "error": "connection refused"})
    assert stopped_answering([model]) is not None
    follow_served(store, "fairness-2", [model])  # the same object, the next run
    assert stopped_answering([model]) is None
    store.close()
