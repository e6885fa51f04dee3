"""Emptying a shared store's WAL (``assay prune``, a run's end) never holds off another run's
checkpoint (hostile27a).  Timed (a reader holding the WAL 5 s, the other run's checkpoint
waiting under 1.5 s against a 2 s busy timeout): named apart from test_hostile27a_store
(which runs beside the rest in `make test`) so that it runs in the rest (ci39)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from assay.core.checkpoint import Snapshot
from assay.core.store import RunStore

from test_hostile27a_store import _findings  # isort: skip


@pytest.mark.parametrize("how", ["delete", "end"])
def test_emptying_the_wal_never_holds_off_another_run_sharing_the_store(
    tmp_path: Path, how: str
) -> None:
    """CI jobs sharing a store: while one connection reads (a report, another run), the WAL
    cannot be emptied; ``assay prune`` (and a run's end) waited for it with the whole busy
    timeout, and SQLite held every other writer off meanwhile: another run's checkpoint
    failed with "database is locked" (exit 4, the run stalled).  Here that run's patience is
    2 s and the reader reads for 5 s."""
    path = tmp_path / "runs.db"
    with RunStore(path, compaction="off") as first:
        first.create_run(
            run_id="old", technique="toy", seed=1, command="x", config={}, model={}, versions={}
        )
        first.checkpoint("old", findings=[_findings(20_000, 1)], status="completed")
    ending = RunStore(path, compaction="off")
    if how == "end":
        ending.create_run(
            run_id="ending", technique="toy", seed=1, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
        ending.checkpoint(
            "ending", snapshot=Snapshot(values={"pool": list(range(50_000))}), progress={}
        )
    other = RunStore(path, compaction="off")
    other.create_run(
        run_id="other", technique="toy", seed=2, command="x", config={}, model={}, versions={}
    )
    other._db.execute("PRAGMA busy_timeout=2000")  # (30 s otherwise)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM findings").fetchall()  # reading, from its snapshot

    def work() -> None:
        if how == "delete":
            ending.delete_runs(["old"])
        else:
            ending.checkpoint("ending", status="completed")

    worker = threading.Thread(target=work)
    worker.start()
    try:
        time.sleep(0.5)
        began = time.monotonic()
        other.checkpoint("other", findings=[_findings(10, 2)], progress={"queries": 10})
        waited = time.monotonic() - began
    finally:
        time.sleep(max(0.0, 5.0 - 0.5))
        reader.execute("COMMIT")
        reader.close()
        worker.join()
    assert waited < 1.5
    other.checkpoint("other", status="completed")
    ending.close()
    other.close()
    with RunStore(path, read_only=True) as store:
        assert store.count_findings("other") == 10
        ids = {r.id for r in store.list_runs(limit=-1)}
        assert ids == ({"other"} if how == "delete" else {"old", "ending", "other"})
