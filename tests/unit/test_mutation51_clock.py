"""mutation51: the stored session clock put back (``RunStore._put_back_clock``, the lead's
forty-ninth-session fix): a session that claimed a run and let go of it having written
nothing but its heartbeat's beats leaves the clock as its claim found it, whichever way it
lets go (``unclaim``, ``let_go``, ``close``); a session that wrote keeps its clock (its
seconds are the run's); and a put-back is done once, never over a later session's clock.
Beats every 10 ms, so that they land."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from assay.core.clock import entered
from assay.core.heartbeat import Heartbeat
from assay.core.store import RunStore

RUN = "fairness-c"
ARGS: dict[str, Any] = dict(
    technique="fairness", seed=1, command="c", config={}, model={}, versions={}
)


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run stopped by its first session (its clock stored), beats every 10 ms after."""
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id=RUN, **ARGS)
        store.checkpoint(RUN, status="interrupted")
    defaults = Heartbeat.__init__.__defaults__
    assert defaults is not None
    monkeypatch.setattr(Heartbeat.__init__, "__defaults__", (0.01, *defaults[1:]))
    return path


def _clock(path: Path) -> str | None:
    with RunStore(path, read_only=True) as store:
        return store._stored_clock(RUN)


def _beaten(store: RunStore, path: Path, before: str | None) -> None:
    """Wait until a beat of ``store``'s session has changed the stored clock."""
    ends = time.monotonic() + 20
    while _clock(path) == before:
        assert time.monotonic() < ends, "no beat landed"
        time.sleep(0.02)


@pytest.mark.parametrize("how", ["unclaim", "let_go", "close"])
def test_a_session_that_only_beat_leaves_the_clock_as_it_found_it(path: Path, how: str) -> None:
    before = _clock(path)
    assert before is not None
    with entered(time.monotonic()):
        store = RunStore(path)
        try:
            store.claim(RUN)
            _beaten(store, path, before)
            if how != "close":
                getattr(store, how)(RUN)
                assert _clock(path) == before
        finally:
            store.close()
    assert _clock(path) == before


def test_a_session_that_wrote_keeps_its_clock(path: Path) -> None:
    before = _clock(path)
    with entered(time.monotonic()), RunStore(path) as store:
        store.claim(RUN)
        time.sleep(0.05)
        store.checkpoint(RUN, status="interrupted")
        wrote = _clock(path)
        assert wrote != before
    after = _clock(path)
    assert after is not None and after != before  # (this session's seconds: the run's)


def test_a_clock_put_back_is_not_put_back_again_over_a_later_sessions(path: Path) -> None:
    before = _clock(path)
    with entered(time.monotonic()):
        first = RunStore(path)  # (a notebook's store object, kept open)
        try:
            first.claim(RUN)
            _beaten(first, path, before)
            first.unclaim(RUN)  # (its resume refused)
            assert _clock(path) == before
            with RunStore(path) as second:  # (another resume, which runs and writes)
                second.claim(RUN)
                time.sleep(0.05)
                second.checkpoint(RUN, status="interrupted")
            later = _clock(path)
            assert later != before
        finally:
            first.close()
    assert _clock(path) == later
