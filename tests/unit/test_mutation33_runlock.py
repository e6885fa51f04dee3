"""A lock let go whose store cannot say whether the run is still running removes its file,
as a release did before (bench/RESULTS.md, mutation33's table: mutant LK15, the file kept,
survived: the tests' stores could always be read)."""

from __future__ import annotations

from pathlib import Path

from assay.core.runlock import RunLock, lock_path


def _unreadable() -> bool:
    raise OSError("the store is gone")


def test_a_lock_whose_store_cannot_be_read_is_let_go_whole(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.write_bytes(b"")
    lock = RunLock(store, "fairness-x", _unreadable)
    lock.acquire()
    assert lock_path(store, "fairness-x").exists()
    lock.let_go()
    assert not lock_path(store, "fairness-x").exists()
    kept = RunLock(store, "fairness-y", lambda: True)  # (the guard: a run still running)
    kept.acquire()
    kept.let_go()
    assert lock_path(store, "fairness-y").exists()
