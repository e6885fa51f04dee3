"""mutation50: a run's heartbeat through the store (``RunStore``): a beat that finds the
store busy with another writer skips that beat and beats on once it is free (a CI job's
second process holding the store for two seconds must not stop the clock for good)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from assay.core.clock import entered
from assay.core.heartbeat import BEAT_SECONDS, BOUND_SECONDS, cut_note
from assay.core.store import RunStore

ARGS: dict[str, Any] = dict(
    technique="fairness", seed=1, command="c", config={}, model={}, versions={}
)


def _own(path: Path, run_id: str) -> float:
    with RunStore(path, read_only=True) as store:
        clock = store.get_run(run_id).config["session_clock"]
    return float(clock[1])


def test_a_beat_on_a_busy_store_is_skipped_and_the_beats_go_on(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    began = time.monotonic()
    with entered(began), RunStore(path) as store:
        store.create_run(run_id="fairness-b", **ARGS)
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # (another writer holds the store)
        time.sleep(2.5 * BEAT_SECONDS)
        other.execute("ROLLBACK")
        other.close()
        held = time.monotonic() - began
        time.sleep(2.5 * BEAT_SECONDS)
        own = _own(path, "fairness-b")
        assert store._hearts["fairness-b"].beating
        store.checkpoint("fairness-b", status="interrupted")
    # a beat after the writer let go: its own seconds past the moment it did
    assert own > held, (own, held)


def _killed_while_beating(store: RunStore, run_id: str, own: float) -> None:
    """The session ends as ``kill -9`` leaves it: its clock as its last beat wrote it, the run
    left running."""
    store._stop_beating()
    store.ride(run_id, "session_clock", None)
    store.ride(run_id, "sessions_cut", None)
    store.set_config(run_id, session_clock=[0.0, own, "1:2.0", BOUND_SECONDS])


def test_two_sessions_killed_while_they_beat_are_both_counted(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id="fairness-2", **ARGS)
        _killed_while_beating(store, "fairness-2", 5.0)
    with entered(time.monotonic()), RunStore(path) as store:
        store.claim("fairness-2")
        store.checkpoint("fairness-2")  # (its first write: the first cut counted)
        _killed_while_beating(store, "fairness-2", 3.0)
    with entered(time.monotonic()), RunStore(path) as store:
        store.claim("fairness-2")
        store.checkpoint("fairness-2", status="interrupted")
    with RunStore(path, read_only=True) as store:
        config = store.get_run("fairness-2").config
    assert config["sessions_cut"] == [2, 2 * BOUND_SECONDS], config
    note = cut_note(config)
    assert note is not None and note.startswith("2 earlier sessions of this run"), note


def test_no_beat_lands_in_an_older_copy_moved_in_over_the_store(tmp_path: Path) -> None:
    """A CI cache restoring yesterday's copy of the store under a running session: the
    copy's run keeps the clock it was copied with (the session's next write says the store
    was replaced)."""
    import os

    path, copy = tmp_path / "s.db", tmp_path / "copy.db"
    store = RunStore(path)
    try:
        with entered(time.monotonic()):
            store.create_run(run_id="fairness-o", **ARGS)
            store.checkpoint("fairness-o")
            with sqlite3.connect(copy) as into:  # (its state as it stands: the copy)
                sqlite3.connect(path).backup(into)
            into.close()
            copied = _own(copy, "fairness-o")
            os.replace(copy, path)
            time.sleep(2.5 * BEAT_SECONDS)  # (no beat may write into the copy moved in)
    finally:
        store._stop_beating()
        store.close()
    assert _own(path, "fairness-o") == copied


def test_a_store_object_resuming_again_keeps_the_count_another_process_made(
    tmp_path: Path,
) -> None:
    """A notebook's store object resumes a run whose session was killed (counted: 1), lets
    it go; two more sessions elsewhere, one killed (counted: 2); the notebook resumes it
    again: its writes keep 2, never the 1 its first call counted."""
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id="fairness-n", **ARGS)
        _killed_while_beating(store, "fairness-n", 5.0)
    notebook = RunStore(path)
    try:
        with entered(time.monotonic()):
            notebook.claim("fairness-n")
            notebook.checkpoint("fairness-n", status="interrupted")
            notebook.let_go("fairness-n")
        with entered(time.monotonic()), RunStore(path) as store:
            store.claim("fairness-n")
            store.checkpoint("fairness-n", status="running")
            _killed_while_beating(store, "fairness-n", 3.0)
        with entered(time.monotonic()), RunStore(path) as store:
            store.claim("fairness-n")
            store.checkpoint("fairness-n", status="interrupted")
        with entered(time.monotonic()):
            notebook.claim("fairness-n")
            notebook.checkpoint("fairness-n", status="interrupted")
            notebook.let_go("fairness-n")
    finally:
        notebook.close()
    with RunStore(path, read_only=True) as store:
        config = store.get_run("fairness-n").config
    assert config["sessions_cut"] == [2, 2 * BOUND_SECONDS], config
