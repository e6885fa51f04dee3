"""``--max-time`` (``max_time=``) over a command's or an API call's loading.

Loading (reading a data file, importing or training the model, opening an ONNX or torch
file, a served model's readiness check, the first probe call) happens before the run
exists, on the run's clock (``core.clock``).  Its calls of the model read the run's deadline
(``core.deadline``); the rest did not: a 230 MB CSV took 9.4 s of ``--max-time 3`` and only
then was refused.  An alarm (``SIGALRM``) stops loading at the deadline wherever it is: a
usage error (exit 2 on the command line), no run made, nothing stored, the seconds it ran
said.  The API functions (``check_fairness(model="m.py:f", data="big.csv", max_time=3)``)
load under it too when they load (not given a ``setup``): before, such a call returned after
8.7 s a stored run that had tested nothing.  Where the alarm is someone else's (a program
with its own ``SIGALRM`` handler or timer, a thread other than the main one, a system
without it) loading runs as before: its model calls still give up at the deadline, and the
techniques refuse a run that loading left too little time.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from assay.core.deadline import run_deadline
from assay.errors import UsageError

__all__ = ["loading_within"]


class _Overran(KeyboardInterrupt):
    """Raised by the alarm into whatever loading was doing: an interrupt (by the clock), so
    that it passes wherever a Ctrl-C passes (a model file's import, a data file's reader)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overran


def _alarm_is_ours() -> bool:
    """Whether the alarm can be used without taking it from anyone."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
        return False  # (pytest-timeout's, a program's own)
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def _overran(what: str, max_time: float, started: float) -> UsageError:
    spent = time.monotonic() - started
    return UsageError(
        f"nothing was tested: loading took all of the time budget: {what} were still "
        f"loading when --max-time {max_time:g} ran out (stopped after {spent:.1f} s, counted "
        "from the command's or call's start); no run was made, nothing was stored; raise "
        "--max-time to cover loading and the search",
        argument="--max-time",  # (max_time= to a Python caller: core.keywords)
    )


@contextmanager
def loading_within(max_time: float | None, started: float, *, what: str) -> Iterator[None]:
    """Inside, loading ``what`` (``"the model and data"``) ends at ``started + max_time``
    (``time.monotonic()``; no bound when ``max_time`` is None): model calls give up then
    (``run_deadline``), and on the command line anything else is stopped then too."""
    deadline = None if max_time is None else started + max_time
    with run_deadline(deadline):
        if max_time is None or deadline is None or not _alarm_is_ours():
            yield
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise _overran(what, max_time, started)
        previous = signal.signal(signal.SIGALRM, _alarm)
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, left)
                yield
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0.0)  # (an alarm due now is raised here)
        except _Overran:
            raise _overran(what, max_time, started) from None
        finally:
            signal.signal(signal.SIGALRM, previous)
