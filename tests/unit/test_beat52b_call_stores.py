"""beat52b: an API call closes the run stores it opened, and a run stops beating once the
last part that followed its search is written (beat52's Left 1 and 2).

1. ``core.call_exit.nothing_held`` saw the stores opened within a call only through the weak
   set of open stores: the run's store, dropped by the frame that opened it as the call
   returned, was finalized by reference count and ``close`` never ran for it (its run's lock
   dropped, not let go of; its session clock not put back; its merger not stopped).  Now the
   call holds each store it opens (``core.opened_within``) and closes it at its end, however
   it ends; a store the caller passed in stays open.
2. A run whose search ended with parts to follow (``core.unfinished``: ``check_backdoor``'s
   determinism section) stayed claimed by its thread and beating after its last part was
   written, until its store was let go of or closed (through the reports written after it).
   Now the write of its last part stops it there, as an ended run's last write does."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import assay
import assay.backdoor.api as backdoor_api
from assay.core import runlock
from assay.core.call_exit import leaves_nothing
from assay.core.store import RunStore, open_stores
from assay.core.unfinished import finished, marked

ARGS: dict[str, Any] = dict(
    technique="backdoor", seed=0, command="c", config={}, model={}, versions={}
)


def _closes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths of the stores ``close`` runs for from now on."""
    closed: list[Path] = []
    close = RunStore.close

    def spy(self: RunStore) -> None:
        closed.append(self.path)
        close(self)

    monkeypatch.setattr(RunStore, "close", spy)
    return closed


def _running(store: RunStore, run_id: str) -> threading.Thread | None:
    """The thread running the run (``core.runlock``: another thread claiming it is refused)."""
    return runlock._RUNNING.get(runlock.lock_path(store.path, run_id))


@pytest.mark.parametrize("how", ["returns", "raises", "interrupted"])
def test_the_store_a_call_opened_and_dropped_is_closed_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    closed = _closes(monkeypatch)
    path = tmp_path / "runs.db"

    @leaves_nothing
    def call() -> str:
        RunStore(path, compaction="off").create_run(run_id="backdoor-1", **ARGS)  # (dropped)
        if how == "raises":
            raise ValueError("the model failed")
        if how == "interrupted":
            raise KeyboardInterrupt
        return "done"

    with (
        pytest.raises((ValueError, KeyboardInterrupt))
        if how != "returns"
        else contextlib.nullcontext()
    ):
        call()
    assert closed == [path]  # main: [] (finalized as the call returned, never closed)
    assert not [s for s in open_stores() if s.path == path]
    # its run let go of through ``close``: another store claims it at once
    again = RunStore(path, compaction="off")
    try:
        again.claim("backdoor-1")
        assert again.claimed("backdoor-1")
    finally:
        again.close()


def test_a_store_the_caller_passed_in_stays_open_its_run_let_go_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = _closes(monkeypatch)
    mine = RunStore(tmp_path / "mine.db", compaction="off")

    @leaves_nothing
    def call(store: RunStore) -> None:
        store.create_run(run_id="backdoor-1", **ARGS)
        RunStore(tmp_path / "its.db", compaction="off")  # (its own: dropped)

    try:
        call(mine)
        assert closed == [tmp_path / "its.db"]  # main: []
        assert mine in open_stores() and not mine.claims()
        assert mine.get_run("backdoor-1").status == "running"  # (still readable: open)
    finally:
        mine.close()


def test_the_last_part_after_the_search_stops_the_run_s_beat(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db", compaction="off")
    try:
        store.create_run(run_id="backdoor-1", **ARGS)
        parts = marked({"n": 1}, ["determinism", "filter"])
        store.checkpoint("backdoor-1", status="completed", summary=parts)
        heart = store._hearts["backdoor-1"]  # (parts follow: still this thread's, beating)
        assert heart.beating and _running(store, "backdoor-1") is threading.current_thread()
        one_left = finished(parts, "determinism")
        store.checkpoint("backdoor-1", summary=one_left)
        assert heart.beating  # (the filter still follows)
        store.checkpoint("backdoor-1", summary=finished(one_left, "filter"))
        # main: still beating, still this thread's, until the store was let go of or closed
        assert "backdoor-1" not in store._hearts and not heart.beating
        assert heart._thread is None or not heart._thread.is_alive()
        assert _running(store, "backdoor-1") is None
    finally:
        store.close()


def test_a_running_run_s_summary_leaves_it_beating(tmp_path: Path) -> None:
    """A summary written while the run still runs (nothing follows, as nothing is listed)
    is not its last part: it beats on."""
    store = RunStore(tmp_path / "runs.db", compaction="off")
    try:
        store.create_run(run_id="backdoor-1", **ARGS)
        store.checkpoint("backdoor-1", summary={"n": 1})
        assert store._hearts["backdoor-1"].beating
        assert _running(store, "backdoor-1") is threading.current_thread()
    finally:
        store.close()


def test_check_backdoor_stops_its_run_s_beat_once_its_determinism_section_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a store the caller holds: the run beat on through the writes after its last
    part (its rates, its reports) until the call let go of it."""
    seen: list[tuple[bool, threading.Thread | None]] = []
    record: Callable[..., None] = backdoor_api.record_steadiness

    def recorded(store: RunStore, run_id: str, check: dict[str, Any]) -> None:
        record(store, run_id, check)
        seen.append((run_id in store._hearts, _running(store, run_id)))

    monkeypatch.setattr(backdoor_api, "record_steadiness", recorded)
    before = {t for t in threading.enumerate() if t.name == "assay-heartbeat"}
    mine = RunStore(tmp_path / "runs.db")
    try:
        res = assay.check_backdoor("builtin:trojan", seed=0, store=mine, max_queries=3000)
        assert res.status == "completed"
        assert seen == [(False, None)]  # main: [(True, <this thread>)]
        assert not mine.claims() and _running(mine, res.run_id) is None
        beating = {t for t in threading.enumerate() if t.name == "assay-heartbeat"}
        assert not {t for t in beating - before if t.is_alive()}
    finally:
        mine.close()


def test_check_backdoor_closes_the_store_it_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = _closes(monkeypatch)
    path = tmp_path / "runs.db"
    res = assay.check_backdoor("builtin:trojan", seed=0, store=path, max_queries=3000)
    assert res.status == "completed"
    assert closed == [path]  # main: [] (its run's store finalized, never closed)
    assert not [s for s in open_stores() if s.path == path]
