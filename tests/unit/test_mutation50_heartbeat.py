"""mutation50: a session's heartbeat (``core.heartbeat``) never beats once ``stop`` has
returned, waits for a beat under way, ends on a beat that fails, is stopped in a forked child;
the reports' note on sessions killed outright says their count and the seconds added, and
nothing for a damaged entry; only a run left running by another session is counted as
killed while it beat (``session_clock.killed_beating``)."""

from __future__ import annotations

import os
import threading
import time

from assay.core.clock import call_started, entered
from assay.core.heartbeat import BEAT_SECONDS, BOUND_SECONDS, Heartbeat, cut_note
from assay.core.session_clock import SESSION_CLOCK, SessionClock, killed_beating


class _SlowToSet(threading.Event):
    """A stop that lands as a period ends: it is slow to be set, holding ``stop``'s lock."""

    def set(self) -> None:
        time.sleep(0.15)
        super().set()


def test_no_beat_after_stop_returns_though_a_period_ended_while_it_stopped() -> None:
    beats: list[float] = []
    first = threading.Event()

    def beat() -> None:
        beats.append(time.monotonic())
        first.set()

    heart = Heartbeat(beat, every=0.01)
    heart._stopped = _SlowToSet()
    heart.start()
    assert first.wait(10.0)  # (beating: a load of 28 may hold the thread off a while)
    heart.stop()
    stopped = time.monotonic()
    time.sleep(0.1)
    assert not heart.beating
    assert all(t < stopped for t in beats), (len(beats), beats[-1] - stopped)


def test_stop_waits_for_a_beat_under_way() -> None:
    started, done = threading.Event(), threading.Event()

    def beat() -> None:
        started.set()
        time.sleep(0.3)
        done.set()

    heart = Heartbeat(beat, every=0.01).start()
    assert started.wait(5.0)
    heart.stop()
    assert done.is_set()


def test_a_beat_that_fails_ends_the_beats_and_calls_the_end_once() -> None:
    calls: list[str] = []

    def beat() -> None:
        calls.append("beat")
        raise OSError("the store closed")

    heart = Heartbeat(beat, every=0.01, end=lambda: calls.append("end")).start()
    deadline = time.monotonic() + 5.0
    while "end" not in calls and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert calls == ["beat", "end"] and not heart.beating


def test_a_forked_child_has_no_heartbeat_beating() -> None:
    heart = Heartbeat(lambda: None, every=10.0).start()
    try:
        pid = os.fork()
        if pid == 0:  # (the child: a text classifiers' worker)
            os._exit(0 if not heart.beating else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert heart.beating  # (the parent's own beats on)
    finally:
        heart.stop()


def test_the_note_says_how_many_sessions_and_the_seconds_added() -> None:
    note = cut_note({"sessions_cut": [2, 4.5]})
    assert note is not None and note.startswith("2 earlier sessions of this run ended")
    assert "4.5 s added in all" in note
    assert f"last heartbeat plus {BOUND_SECONDS:g} s" in note
    assert f"a beat each {BEAT_SECONDS:g} s" in note
    one = cut_note({"sessions_cut": [1, 2.0]})
    assert one is not None and one.startswith("1 earlier session of") and "2 s added" in one


def test_no_note_for_no_session_cut_or_a_damaged_entry() -> None:
    for cut in ([0, 0.0], [1], [True, 2.0], [1, "2"], [1, False], "1, 2", [-1, 2.0]):
        assert cut_note({"sessions_cut": cut}) is None, cut
    assert cut_note({}) is None and cut_note(None) is None


def test_only_a_run_left_running_by_another_session_was_killed_while_it_beat() -> None:
    other = {SESSION_CLOCK: [1.0, 7.5, "1:2.0", BOUND_SECONDS]}
    assert killed_beating(other, "running") == BOUND_SECONDS
    for status in ("interrupted", "failed", "completed"):  # (stopped in words)
        assert killed_beating(other, status) == 0.0, status
    assert killed_beating({SESSION_CLOCK: [1.0, 7.5, "1:2.0", 0.0]}, "running") == 0.0
    assert killed_beating({SESSION_CLOCK: [1.0, 7.5, "1:2.0"]}, "running") == 0.0
    with entered(time.monotonic()):
        mine = SessionClock(1.0)
        assert mine.started == call_started()
        own = {SESSION_CLOCK: [1.0, 7.5, mine.session, BOUND_SECONDS]}
        assert killed_beating(own, "running") == 0.0  # (this session is not its own killer)
