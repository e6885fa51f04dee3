"""With no outcome known, the classes a labels model answered are said with the run; they
were the classes this process's watch saw, so with local processes or Dask the search's
answers (a worker's) were left out (hostile51b).  The classes in the run's stored findings,
which every worker's search sends back, are now said too."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore, new_run_id
from assay.fairness.known_classes import ClassWatch, record_answered


class _Seen:
    """An ``EncodedModel`` as ``record_answered`` reads it: its watch."""

    def __init__(self, seen: set[int]) -> None:
        self.classes = ClassWatch(None)
        self.classes.seen.update(seen)


def _run(tmp_path: Path, answers: list[list[int]]) -> tuple[RunStore, str]:
    store = RunStore(tmp_path / "runs.db")
    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="t", config={}, model={}, versions={}
    )
    outputs = np.array(answers, dtype=np.float64)[:, :, None]
    batch = FindingBatch(
        kind="fairness.idi",
        inputs=np.zeros((len(answers), 2, 3)),
        outputs=outputs,
        severity=np.ones(len(answers)),
        columns={"generated": np.zeros(len(answers), dtype=np.int64)},
    )
    store.checkpoint(run_id, findings=[batch], summary={"notes": []})
    return store, run_id


def test_a_class_only_a_worker_s_findings_hold_is_said(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, [[0, 1], [2, 1]])
    record_answered(store, run_id, _Seen({0, 1}))  # (this process saw 0 and 1 only)
    summary = store.get_run(run_id).summary
    assert summary["answered_classes"] == [0, 1, 2]
    assert any("0, 1, 2" in n for n in summary["notes"]), summary["notes"]


def test_the_findings_add_nothing_the_watch_saw(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, [[0, 1]])
    record_answered(store, run_id, _Seen({0, 1, 3}))
    assert store.get_run(run_id).summary["answered_classes"] == [0, 1, 3]
