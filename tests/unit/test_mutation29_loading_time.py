"""``cli.loading_time.loading_within``: what it promises that left28b's tests let a careless
edit undo (each test kills a hand-made mutant): a budget spent before loading refuses at
once; the deadline counts from the command's start; a program's running timer and a thread
other than the main one are left alone; the alarm passes a loader that catches every
``Exception``."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from assay.core.loading_time import loading_within
from assay.errors import UsageError


def test_a_budget_spent_before_loading_refuses_at_once() -> None:
    entered: list[bool] = []
    said = "loading took all of the time budget"
    with (
        pytest.raises(UsageError, match=said),
        loading_within(0.5, time.monotonic() - 1.0, what="the model"),
    ):
        entered.append(True)
    assert not entered
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_the_deadline_counts_from_the_commands_start() -> None:
    """Started 1 s ago with --max-time 1.3: loading is stopped about 0.3 s in, not 1.3 s."""
    began = time.monotonic() - 1.0
    inside = time.monotonic()
    with (
        pytest.raises(UsageError, match=r"--max-time 1\.3 ran out"),
        loading_within(1.3, began, what="the model"),
    ):
        time.sleep(5)
    assert time.monotonic() - inside < 1.0


def test_a_programs_running_timer_is_left_alone() -> None:
    """A program whose interval timer is running (the default handler, its own timer) keeps
    it: assay sets no alarm of its own, and loading is not stopped by one."""
    signal.setitimer(signal.ITIMER_REAL, 100.0)
    try:
        with loading_within(0.2, time.monotonic(), what="x"):
            time.sleep(0.4)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 90.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)


def test_loading_on_another_thread_runs_without_the_alarm() -> None:
    """Only the main thread may set a signal handler: on another thread loading runs, bounded
    by its model calls' deadline only (signal.signal raised ValueError there)."""
    outcome: list[object] = []

    def load() -> None:
        try:
            with loading_within(5.0, time.monotonic(), what="x"):
                outcome.append("loaded")
        except Exception as exc:  # (reported below)
            outcome.append(exc)

    worker = threading.Thread(target=load)
    worker.start()
    worker.join(10)
    assert outcome == ["loaded"]


def test_the_alarm_passes_a_loader_that_catches_every_exception() -> None:
    """A model file's import or a data reader wrapped in ``except Exception`` does not swallow
    the alarm (it is an interrupt, as a Ctrl-C is)."""
    began = time.monotonic()
    with (
        pytest.raises(UsageError, match=r"--max-time 0\.3 ran out"),
        loading_within(0.3, began, what="the model"),
    ):
        try:
            time.sleep(5)
        except Exception:
            time.sleep(5)
    assert time.monotonic() - began < 3
