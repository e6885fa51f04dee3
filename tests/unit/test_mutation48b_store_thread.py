"""mutation48b: whether another thread of the process may take up a run that stopped, by
whether parts of it still follow (``RunStore.checkpoint``'s ``follows``; ``RunLock``'s
``deactivate``: two requests of a web app resuming one run are told apart by thread).

Survivors of mutation48 these kill: STO2 (``follows`` computed for a run stopped without
ending, interrupted with parts marked to follow: kept active, another thread's resume
refused, "being run by thread 'MainThread'") and STO3 (a run ended with parts to come
deactivated: another thread's resume or delete let through while this one adds them)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.core.unfinished import KEY
from assay.errors import UsageError


def _stopped(path: Path, status: str) -> RunStore:
    store = RunStore(path)
    store.create_run(
        run_id="r", technique="fairness", seed=0, command="assay fairness m.py",
        config={}, model={}, versions={},
    )  # fmt: skip
    store.checkpoint("r", status="running", progress={}, summary={})
    store.checkpoint("r", status=status, progress={}, summary={KEY: ["determinism"]})
    return store


def _claimed_by_another_thread(path: Path) -> str:
    said: list[str] = []

    def claim() -> None:
        with RunStore(path) as other:
            try:
                other.claim("r")
                said.append("claimed")
            except UsageError as exc:
                said.append(str(exc))

    thread = threading.Thread(target=claim)
    thread.start()
    thread.join(60)
    return said[0]


@pytest.mark.parametrize("status", ["interrupted", "failed"])
def test_a_run_stopped_before_it_ended_may_be_taken_up_by_another_thread(
    tmp_path: Path, status: str
) -> None:
    store = _stopped(tmp_path / "runs.db", status)
    try:
        assert _claimed_by_another_thread(tmp_path / "runs.db") == "claimed"
    finally:
        store.close()


def test_a_run_ended_with_parts_to_come_is_refused_to_another_thread(tmp_path: Path) -> None:
    store = _stopped(tmp_path / "runs.db", "completed")
    try:
        said = _claimed_by_another_thread(tmp_path / "runs.db")
        assert "is being run by thread" in said, said
    finally:
        store.close()
