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
with its own ``SIGALRM`` handler or timer, a system without it) loading runs as before: its
model calls still give up at the deadline, and the techniques refuse a run that loading
left too little time.

An API call on a thread other than the main one (a web server's worker) has no alarm to use
(``signal`` works on the main thread only): ``load_within`` runs its loading on a daemon
thread of its own and waits for it until the deadline, then raises the same usage error.
A thread cannot be stopped, so that loading goes on in the background to its end (an
import, a file read), its result dropped; nothing of it is stored, as no run exists yet.
A later call loading the same model file waits for that import to end (``models.callable``:
before, it took the half-run module and said the file defined nothing), within its own
``max_time`` when it has one; the process can exit meanwhile (the thread is a daemon).
The main thread under someone else's alarm still loads in place (a model's import may set
a signal handler, which only the main thread can: moved to a thread, it would fail).
"""

from __future__ import annotations

import contextvars
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

from assay.core.deadline import run_deadline
from assay.core.refusals import refused_since
from assay.errors import AssayError, ModelUnavailable, UsageError

__all__ = ["load_within", "loading_within"]

T = TypeVar("T")


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


def _overran(
    what: str, max_time: float, started: float, *, left_running: bool = False
) -> AssayError:
    """The error of loading stopped by ``--max-time``; a served model refusing then
    (``core.refusals``: 429s with a long ``Retry-After``, a quota spent) is said as the
    endpoint's doing, its status and wait: "raise --max-time" changed nothing then."""
    spent = time.monotonic() - started
    how = "given up after" if left_running else "stopped after"
    behind = (
        "; it goes on in the background until it ends (a thread cannot be stopped), its "
        "result dropped"
        if left_running
        else ""
    )
    ran_out = (
        f"--max-time {max_time:g} ran out ({how} {spent:.1f} s, counted from the command's "
        f"or call's start{behind}); no run was made, nothing was stored"
    )
    refused = refused_since(started)
    if refused is not None and refused[0]:
        return ModelUnavailable(
            f"nothing was tested: {refused[1]} while {what} were loading, and {ran_out}; "
            "the endpoint is refusing requests: run again once it answers (its quota "
            "renewed, its load lower), a longer --max-time changes nothing while it refuses"
        )
    if refused is not None:  # (a wait at the end, after answers: the endpoint said first)
        return UsageError(
            f"nothing was tested: {refused[1]} while {what} were loading, and {ran_out}; "
            "raise --max-time to cover the waits, loading and the search",
            argument="--max-time",
        )
    return UsageError(
        f"nothing was tested: loading took all of the time budget: {what} were still "
        f"loading when {ran_out}; raise --max-time to cover loading and the search",
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


def load_within(max_time: float | None, started: float, *, what: str, load: Callable[[], T]) -> T:
    """``load()`` within ``started + max_time`` (see the module): under the alarm on the main
    thread (``loading_within``), on a daemon thread waited for until the deadline on any
    other thread; without a budget, as it is."""
    if max_time is None or threading.current_thread() is threading.main_thread():
        with loading_within(max_time, started, what=what):
            return load()
    deadline = started + max_time
    left = deadline - time.monotonic()
    if left <= 0:
        raise _overran(what, max_time, started)
    done: dict[str, object] = {}

    def bounded() -> None:
        try:
            with run_deadline(deadline):  # (its model calls give up then too)
                done["value"] = load()
        except BaseException as exc:  # (handed to the caller's thread)
            done["error"] = exc

    context = contextvars.copy_context()  # (the caller's context: its settings, its clock)
    loader = threading.Thread(
        target=context.run, args=(bounded,), name="assay-loading", daemon=True
    )
    loader.start()
    loader.join(max(left, 0.0))
    if loader.is_alive():
        raise _overran(what, max_time, started, left_running=True)
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["value"]  # type: ignore[return-value]
