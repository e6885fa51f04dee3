"""ops47: a store file replaced (or deleted) while a run writes it keeps none of that run's
pages.

The run's checkpoint saw the file replaced and stopped (exit 4, "deleted or replaced"), but
its write-ahead log (`STORE-wal`) and index (`STORE-shm`) stayed beside the path, and SQLite
read them as the new file's: a store of 3 runs moved in over it (`mv`, a CI cache's restore)
then listed only the stopped run, its own 3 runs gone for good once anything wrote it
(the failed command itself did, keeping its exit code with the run).
"""

from __future__ import annotations

import os
import shutil
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
        store.checkpoint(run_id, status="running")
        store.checkpoint(run_id, progress={"queries": 1})
    return store


def _ids(path: Path) -> list[str]:
    with RunStore(path, read_only=True) as store:
        return sorted(r.id for r in store.list_runs())


def test_a_store_moved_in_over_a_running_ones_file_keeps_its_own_runs(tmp_path: Path) -> None:
    other = tmp_path / "cache" / "runs.db"
    _store(other, "fairness-a", "fairness-b", "fairness-c").close()
    path = tmp_path / "runs.db"
    running = _store(path, "fairness-x")
    shutil.copy(other, f"{path}.new")
    os.replace(f"{path}.new", path)  # (``mv``: a new file at the path)
    with pytest.raises(StoreError, match="deleted or replaced"):
        running.checkpoint("fairness-x", progress={"queries": 2})
    assert _ids(path) == ["fairness-a", "fairness-b", "fairness-c"]
    # (ops48: a writer opened in this process while it still runs the run there is refused,
    # as the command's helpers are; the command gives the run up on a store failure)
    with pytest.raises(StoreError, match="deleted or replaced"):
        RunStore(path)
    running.give_up("fairness-x")
    with RunStore(path) as store:  # (a writer: what it reads it checkpoints into the file)
        assert sorted(r.id for r in store.list_runs()) == ["fairness-a", "fairness-b", "fairness-c"]
    running.close()
    assert _ids(path) == ["fairness-a", "fairness-b", "fairness-c"]


def test_an_io_error_names_a_store_made_immutable_among_its_causes() -> None:
    """`chattr +i` on the store's files mid-run (a CI cache locked under a running job):
    SQLite says only "disk I/O error" (the write's EPERM); the hint named ulimit, a network
    file system and a failing disk, none of which it was."""
    from assay.core.store_file import refused_write_hint

    said = refused_write_hint("disk I/O error", then="resume it")
    assert "immutable (chattr +i)" in said and "ulimit -f" in said and said.endswith("resume it")
