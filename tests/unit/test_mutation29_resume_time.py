"""``cli.resume_time``: the note a resumed command prints when the run's wall clock went
past its --max-time (left28b), checked where its integration test does not reach (each test
kills a hand-made mutant): no note within the budget; the engine's and this session's
loading seconds said; the first event's time kept, the progress callback still called."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assay.core.resume_time import FirstEvent, resumed_time_note
from assay.core.run_record import RunRecord


def _record(wall: float, max_time: float | None = 8, elapsed: float | None = 7.5) -> RunRecord:
    return RunRecord(
        id="fairness-x", technique="fairness", status="completed", seed=0, command="assay x",
        config={"budget": {"max_time": max_time}}, model={}, versions={},
        progress={} if elapsed is None else {"elapsed": elapsed},
        summary={"metrics": {"wall-clock seconds": wall}}, error=None, created=0.0,
        updated=0.0, n_findings=0, max_severity=0.0,
    )  # fmt: skip


@pytest.mark.parametrize("wall", [3.0, 8.0])
def test_a_run_within_its_budget_gets_no_note(wall: float) -> None:
    assert resumed_time_note(_record(wall), started=time.monotonic(), loaded=None) is None


def test_no_budget_no_note() -> None:
    assert resumed_time_note(_record(30.0, None), started=time.monotonic(), loaded=None) is None


def test_the_note_names_the_engines_seconds_and_this_sessions_loading() -> None:
    started = time.monotonic() - 6.0
    note = resumed_time_note(_record(20.0), started=started, loaded=started + 4.25)
    assert note is not None
    assert note.startswith("--max-time 8 bounds the run's search and checks over its sessions")
    assert "(7.5 s of it)" in note and "the run took 20.0 s of wall clock in all" in note
    assert note.endswith(", 4.2 s of it loading again") or note.endswith(
        ", 4.3 s of it loading again"
    ), note
    quiet = resumed_time_note(_record(20.0, elapsed=None), started=started, loaded=None)
    assert quiet is not None and "s of it)" not in quiet and "loading again" not in quiet


def test_first_event_keeps_the_first_events_time_and_passes_every_event_on() -> None:
    seen: list[dict[str, Any]] = []

    def progress(event: dict[str, Any]) -> str:
        seen.append(event)
        return "ok"

    first = FirstEvent(progress)
    assert first.at is None
    before = time.monotonic()
    assert first({"n": 1}) == "ok"
    at = first.at
    assert at is not None and at >= before
    time.sleep(0.02)
    first({"n": 2})
    assert first.at == at and seen == [{"n": 1}, {"n": 2}]
    assert FirstEvent(None)({"n": 3}) is None
