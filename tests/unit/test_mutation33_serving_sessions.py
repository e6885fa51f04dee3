"""A served model's counts over sessions killed and recorded in turn (``models/serving``:
``follow_served``, ``_record``), in one process: bench/RESULTS.md, mutation33's table (mutant
SV5, the sessions killed before an earlier recorded session forgotten, survived the
subprocess test ``test_serve32_serving.py -k killed``, which has one kill)."""

from __future__ import annotations

from pathlib import Path

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.models.http import HttpModel
from assay.models.serving import follow_served, record_serving

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


def _session(store: RunStore, requests: int, *, recorded: bool) -> None:
    """A session that sent ``requests`` (none answered), checkpointed, then recorded its
    counts or was killed (dropped unrecorded)."""
    model = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    model.stats.requests = model.stats.unanswered = requests
    follow_served(store, "fairness-s", [model])
    store.checkpoint("fairness-s", progress={"queries": 0})
    if recorded:
        record_serving(store, "fairness-s", model)
    store.ride("fairness-s", "serving_session", None)  # (this session's process is gone)
    model.close()


def test_sessions_killed_before_and_after_a_recorded_one_are_all_counted(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="fairness-s", technique="fairness", seed=1, command="x", config={}, model={},
        versions={},
    )  # fmt: skip
    store.checkpoint("fairness-s", summary={"headline": "x"})
    _session(store, 10, recorded=False)  # killed
    _session(store, 5, recorded=True)  # resumed, interrupted: its counts and the first's
    serving = store.get_run("fairness-s").summary["serving"]
    assert (serving["requests"], serving["sessions_killed"]) == (15, 1)
    _session(store, 7, recorded=False)  # killed
    _session(store, 2, recorded=True)
    serving = store.get_run("fairness-s").summary["serving"]
    assert serving["requests"] == serving["unanswered"] == 24
    assert serving["sessions_killed"] == 2
    store.close()
