"""A try to finish a run that failed rewrites the run's reason only where it was the
unfinished parts' own (mutation39: ``finishing._noted``)."""

from __future__ import annotations

from pathlib import Path

from assay.core.finishing import _noted
from assay.core.store import RunStore
from assay.core.unfinished import KEY, failed_reason, reason


def _stored(tmp_path: Path, said: str) -> RunStore:
    store = RunStore(tmp_path / "s.db")
    store.create_run(run_id="fairness-1", technique="fairness", seed=1, command="c",
                     config={}, model={}, versions={})  # fmt: skip
    summary = {"tested": 9, KEY: ["determinism"], "incomplete_reason": said}
    store.checkpoint("fairness-1", status="completed", summary=summary)
    return store


def test_the_parts_reason_is_said_failed(tmp_path: Path) -> None:
    store = _stored(tmp_path, reason(["determinism"]))
    _noted(store, "fairness-1", "the model failed: down")
    said = store.get_run("fairness-1").summary["incomplete_reason"]
    assert said == failed_reason(["determinism"])


def test_another_reason_stands(tmp_path: Path) -> None:
    other = "the time budget (--max-time) ran out before sex was tested"
    store = _stored(tmp_path, other)
    _noted(store, "fairness-1", "the model failed: down")
    assert store.get_run("fairness-1").summary["incomplete_reason"] == other
