"""A store's -wal found without its store (the store moved away without it) is kept aside
when a new store is made there, not dropped by SQLite with the moved store's newest commits
(store53: `cp s.db-wal t.db-wal`, a run on t.db: the 214 KB WAL gone, no word)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from assay.core.store import RunStore


def test_a_wal_without_its_store_is_kept_and_can_be_put_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    with RunStore(old, compaction="off") as store:
        store.create_run(
            run_id="toy-a", technique="toy", seed=1, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
    # a commit left in the WAL (as a killed run leaves its last checkpoints), then the
    # store moved without it
    db = sqlite3.connect(old)
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("UPDATE runs SET seed=77")
    db.commit()
    moved = tmp_path / "moved.db"
    shutil.copy(old, moved)
    wal = tmp_path / "runs.db-wal"
    shutil.copy(f"{old}-wal", wal)
    db.close()
    wal_bytes = wal.read_bytes()
    assert wal_bytes

    with RunStore(tmp_path / "runs.db", compaction="off") as store:
        assert store.count_runs() == 0
    kept = list(tmp_path.glob("runs.db-wal.alone-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == wal_bytes
    assert "runs.db-wal was there without its store" in capsys.readouterr().err
    # put back beside the store it belongs to: its commit reads
    shutil.copy(kept[0], f"{moved}-wal")
    assert sqlite3.connect(moved).execute("SELECT seed FROM runs").fetchone() == (77,)
