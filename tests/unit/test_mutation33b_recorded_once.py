"""A served model object's counts recorded with a run once (``models/serving._record``):
bench/RESULTS.md, mutation33b.  One model object used by two sessions in one process (the
API's ``resume_fairness(run, model=m)`` after a stopped ``check_fairness(m, ...)``) once
recorded the first session's requests again with the second's; and recording a session
again (mutant SV3, the carried counts of a killed session not cleared) added nothing new."""

from __future__ import annotations

from pathlib import Path

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.models.http import HttpModel
from assay.models.serving import follow_served, record_serving

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


def _store(tmp_path: Path) -> RunStore:
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="fairness-r", technique="fairness", seed=1, command="x", config={}, model={},
        versions={},
    )  # fmt: skip
    store.checkpoint("fairness-r", summary={"headline": "x"})
    return store


def _sent(model: HttpModel, n: int) -> None:
    """``n`` more requests sent (none answered)."""
    model.stats.requests += n
    model.stats.unanswered += n


def test_one_model_object_in_two_sessions_of_a_run_counts_each_request_once(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    model = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    _sent(model, 10)
    follow_served(store, "fairness-r", [model])
    record_serving(store, "fairness-r", model)  # the first session, stopped
    follow_served(store, "fairness-r", [model])  # resumed with the same object
    _sent(model, 5)
    store.checkpoint("fairness-r", progress={"queries": 0})
    pending = store.get_run("fairness-r").config["serving_session"]["counts"]
    assert pending["requests"] == 5  # (a kill now: this session's own)
    record_serving(store, "fairness-r", model)
    serving = store.get_run("fairness-r").summary["serving"]
    assert serving["requests"] == serving["unanswered"] == 15
    store.close()


def test_a_session_recorded_again_adds_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    killed = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    _sent(killed, 7)
    follow_served(store, "fairness-r", [killed])
    store.checkpoint("fairness-r", progress={"queries": 0})  # then killed
    model = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    _sent(model, 3)
    follow_served(store, "fairness-r", [model])
    record_serving(store, "fairness-r", model)
    record_serving(store, "fairness-r", model)
    serving = store.get_run("fairness-r").summary["serving"]
    assert (serving["requests"], serving["sessions_killed"]) == (10, 1)
    store.close()
