"""mutation48b: a store moved in over a running one's file with its own write-ahead log
keeps that log (``RunStore._drop_own_log`` removes only the -wal/-shm its connection made).

Survivor of mutation48 this kills: STO8 (every -wal/-shm beside a replaced store's path
removed, the new store's own included: the runs that store held only in its log lost)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import StoreError


def _store(path: Path, *runs: str) -> RunStore:
    store = RunStore(path)
    for run_id in runs:
        store.create_run(
            run_id=run_id, technique="fairness", seed=1, command="c", config={}, model={},
            versions={},
        )  # fmt: skip
        store.checkpoint(run_id, progress={"queries": 1})
    return store


def _runs_in(folder: Path, name: str) -> list[str]:
    """The runs a copy of the store's files in ``folder`` gives back (sqlite3 alone)."""
    with sqlite3.connect(folder / name) as db:
        return sorted(row[0] for row in db.execute("SELECT id FROM runs"))


def test_a_store_moved_in_with_its_own_log_keeps_the_runs_that_log_holds(
    tmp_path: Path,
) -> None:
    other = tmp_path / "cache" / "runs.db"
    held = _store(other, "fairness-a", "fairness-b")  # (open: its runs are in its -wal)
    assert Path(f"{other}-wal").stat().st_size > 0
    path = tmp_path / "runs.db"
    running = _store(path, "fairness-x")
    for suffix in ("-wal", ""):  # (a CI cache's restore of a store left with its log)
        shutil.copy(f"{other}{suffix}", f"{path}.new")
        os.replace(f"{path}.new", f"{path}{suffix}")
    Path(f"{path}-shm").unlink()  # (rebuilt from the log by its next reader)
    with pytest.raises(StoreError, match="deleted or replaced"):
        running.checkpoint("fairness-x", progress={"queries": 2})
    assert Path(f"{path}-wal").exists(), "the moved-in store's own log was removed"
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):  # (read as they stand, before anything here closes)
        shutil.copy(f"{path}{suffix}", copy / f"runs.db{suffix}")
    assert _runs_in(copy, "runs.db") == ["fairness-a", "fairness-b"]
    running.give_up("fairness-x")
    running.close()
    held.close()
