"""A finding committed with a snapshot is never lost when a failed run is resumed.

A run that failed after its last snapshot committed findings the resumed search will find
again; resuming goes back to the snapshot (``truncate_findings``).  Whatever the snapshot
held, even a single finding, stays: only what came after it is dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.store import RunStore


def _batch(start: int, size: int) -> FindingBatch:
    num = np.arange(start, start + size)
    return FindingBatch(
        kind="k",
        inputs=num[:, None, None].astype(np.int64),
        outputs=(num % 2)[:, None],
        severity=np.full(size, 0.5),
    )


def _numbers(store: RunStore, run_id: str) -> list[int]:
    return sorted(int(v) for b in store.iter_batches(run_id) for v in b.inputs.reshape(-1))


@pytest.mark.parametrize("at_snapshot", [1, 2, 5])
def test_resuming_a_failed_run_keeps_every_finding_of_its_last_snapshot(
    tmp_path: Path, at_snapshot: int
) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    store.checkpoint("r", findings=[_batch(0, at_snapshot)], snapshot=Snapshot(values={"n": 1}))
    store.checkpoint("r", findings=[_batch(100, 3)], status="failed")  # after the snapshot
    assert store.count_findings("r") == at_snapshot + 3
    store.close()

    store = RunStore(tmp_path / "runs.db")
    store.truncate_findings("r", at_snapshot)  # what resuming the run does first
    assert store.count_findings("r") == at_snapshot
    assert _numbers(store, "r") == list(range(at_snapshot))
    store.checkpoint("r", findings=[_batch(100, 3)], status="completed")  # found again
    assert store.count_findings("r") == at_snapshot + 3
    assert store.count_at_or_above("r", 0.5) == at_snapshot + 3
    store.close()
