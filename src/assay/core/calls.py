"""Where model calls run: the boundary between a search and the model it asks.

A ``Caller`` takes a model call (a function of no arguments returning an array) and returns a
``Call`` whose ``result()`` gives the array, or raises what the call raised.  A search that
launches round ``t + 1`` before it reads the answers of round ``t`` keeps the model busy while
it does its own bookkeeping, when the caller runs calls in the background
(``assay.execution.ThreadCaller``); with ``InlineCaller`` (the default) every call runs at once,
in the caller's thread, and the search computes exactly the same thing.

Calls run one at a time, in the order they were submitted: a model never sees two calls at
once, whichever caller is used.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, NoReturn, Protocol

import numpy as np

from assay.core.kept_signals import kept
from assay.core.workdir import model_call
from assay.errors import BudgetExhausted, ModelError

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "Call",
    "CallTimeout",
    "Caller",
    "InlineCaller",
    "ModelCall",
    "StopRequest",
    "WatchedCaller",
    "call_deadline",
    "call_progress",
    "calls_left_running",
    "end_process",
    "guard_process_exit",
    "shielded",
    "usable_cores",
    "wait_ready",
]

ModelCall = Callable[[], np.ndarray]


class Call(Protocol):
    """A model call that was submitted; ``result`` waits for it."""

    def result(self) -> np.ndarray: ...


class Caller(Protocol):
    def submit(self, call: ModelCall, /) -> Call: ...

    def close(self) -> None:
        """Finish the calls already submitted and release the caller's resources."""
        ...


class _Done:
    """A call that already ran: its answer, or the exception it raised."""

    __slots__ = ("_error", "_value")

    def __init__(self, value: np.ndarray | None, error: BaseException | None) -> None:
        self._value, self._error = value, error

    def result(self) -> np.ndarray:
        if self._error is not None:
            raise self._error
        if self._value is None:  # a model that returned nothing (a missing ``return``)
            raise ModelError("the model returned None instead of an answer")
        return self._value


class InlineCaller:
    """Runs each call at once, in the submitting thread."""

    def submit(self, call: ModelCall, /) -> Call:
        try:
            return _Done(call(), None)
        except Exception as exc:  # raised by result(), where the answer is read
            return _Done(None, exc)

    def close(self) -> None:
        return None


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, where the system has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# -- deadlines ---------------------------------------------------------------------------
DEFAULT_CALL_TIMEOUT = 60.0
"""Seconds one model call may take before the run gives up on the model (``--call-timeout``)."""

STOP_GRACE = 0.5
"""Seconds a call still in flight may take to answer after a stop was requested (Ctrl-C)."""

_SLICE = 0.05


class StopRequest:
    """A request to stop a run (the first Ctrl-C), shared by the driver and its calls."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.at: float | None = None

    def set(self) -> None:
        if self.at is None:
            self.at = time.monotonic()
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


class CallTimeout(ModelError):
    """The model did not answer a call within its deadline."""


class OwnExit(ModelError):
    """The model's own code tried to end the run (``sys.exit``, ``os._exit``, or a
    ``KeyboardInterrupt`` raised off the main thread, where no Ctrl-C is delivered): its
    failure, and never its refusal of the form it was given (a first call failing so is not
    asked again as a DataFrame: ``models.callable``).  ``did``: what it did, in words;
    ``named`` says it of the model by its name."""

    def __init__(self, did: str, why: str, who: str = "the model") -> None:
        self.did, self.why, self.who = did, why, who
        super().__init__(f"{who} {did}; {why}")

    def __reduce__(self) -> tuple[Any, ...]:  # (pickled back from a Dask worker whole)
        return type(self), (self.did, self.why, self.who), self.__dict__

    def named(self, who: str, when: str) -> OwnExit:
        """The same failure said of ``who`` (``the function m.py:f``), ``when`` it was."""
        return type(self)(f"{self.did} {when}", self.why, who)


class OwnInterrupt(OwnExit):
    """A ``KeyboardInterrupt`` the model's own code raised off the main thread."""


_ANSWER = "a model must answer or raise an exception"


def _unexpected_exit(exc: BaseException) -> OwnExit:
    if isinstance(exc, _ModelExit):
        return OwnExit(
            f"called os._exit({exc.code!r})",
            f"it would have ended the process with a code of its choosing; {_ANSWER}",
        )
    if isinstance(exc, SystemExit):
        return OwnExit(
            f"called sys.exit({exc.code!r}) (raised SystemExit)",
            f"{_ANSWER}, it cannot end the run",
        )
    return OwnInterrupt(f"raised {type(exc).__name__} from its own code", _ANSWER)


class _ModelExit(SystemExit):
    """``os._exit`` called by a model's own code while assay waited for its answer."""


_REAL_EXIT = os._exit
_guarded_pid: int | None = None
_in_model: dict[int, int] = {}  # thread ident -> model calls it has in progress
_in_model_lock = threading.Lock()


def _guarded_exit(code: int) -> NoReturn:
    """``os._exit`` while the guard is installed: the real one, except in a thread of the
    guarded process that is making a model call.  Other threads' ``os._exit`` is untouched: a
    Dask worker's watch of its parent (which ends the worker when the client process is
    killed: guarded process-wide, it raised in the watch's thread and the worker ran on as an
    orphan), a forked child's (as in multiprocessing), and assay's own."""
    if os.getpid() == _guarded_pid and _in_model.get(threading.get_ident(), 0) > 0:
        raise _ModelExit(code)
    _REAL_EXIT(code)


def calls_left_running() -> bool:
    """Whether a model call on another thread of this process is still in progress at the
    command's end: a call the run gave up on (``--max-time``, ``--call-timeout``, a stop),
    left running on its daemon thread (``WatchedCaller``)."""
    if _guarded_pid != os.getpid():
        return False
    me = threading.get_ident()
    with _in_model_lock:
        return any(n > 0 for who, n in _in_model.items() if who != me)


def end_process(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter's finalization, its ``atexit``
    hooks run and its streams flushed first.  A daemon thread still inside a model's native
    code (torch) when the interpreter finalizes is ended under it: "terminate called without
    an active exception", exit 134, or a segmentation fault, 139, in place of the run's own
    code (hostile41b: a torch model given up on by ``--max-time``, every time)."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    _REAL_EXIT(code)


def guard_process_exit() -> None:
    """Make ``os._exit`` called by a model's code during a call raise instead of ending the
    process: a model that ends the process would end the run with exit code it chose (0
    read as a pass by CI, with nothing tested).  Installed once per process; a model's
    ``from os import _exit`` bound before it stays unguarded, and an exit from native code
    (C ``exit()``) cannot be caught at all."""
    global _guarded_pid, _in_model, _in_model_lock
    if _guarded_pid == os.getpid() and os._exit is _guarded_exit:
        return
    if _guarded_pid != os.getpid():
        # a new process (a forked child, such as the text classifiers' worker): the calls the
        # parent had in progress are not its own.  Inherited, they made the child's final
        # os._exit raise, and the child ran on in its parent's code (a test suite ran twice)
        _in_model = {}
        _in_model_lock = threading.Lock()
    _guarded_pid = os.getpid()
    os._exit = _guarded_exit  # type: ignore[assignment]


def shielded(fn: Callable[[], np.ndarray]) -> Callable[[], np.ndarray]:
    """``fn`` with ``SystemExit`` and ``os._exit`` (and ``KeyboardInterrupt`` raised off the
    main thread, where no Ctrl-C is ever delivered: the model's own) turned into
    ``ModelError``."""
    guard_process_exit()

    def call() -> np.ndarray:
        me = threading.get_ident()
        with _in_model_lock:
            _in_model[me] = _in_model.get(me, 0) + 1
        try:
            # (a folder the model moves to is its own, a signal it sets aside put back:
            # core.workdir, core.kept_signals)
            with model_call(), kept():
                return fn()
        except SystemExit as exc:
            raise _unexpected_exit(exc) from None
        except KeyboardInterrupt as exc:
            if threading.current_thread() is threading.main_thread():
                raise
            raise _unexpected_exit(exc) from None
        finally:
            with _in_model_lock:
                left = _in_model.pop(me) - 1
                if left:
                    _in_model[me] = left

    return call


class _Worker:
    """One daemon thread that runs calls in order (never keeps the process alive)."""

    def __init__(self, name: str = "assay-model-watch") -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put((future, fn))
        return future

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the thread that waits
                future.set_exception(exc)

    def stop(self) -> None:
        """Let the thread end once its current call returns (never waits for it)."""
        self._queue.put(None)


class _Started:
    """When a call began to run (None while it waits in the queue), or last made progress;
    and the seconds it may go without progress (``timeout``, None: no deadline)."""

    __slots__ = ("at", "timeout")

    def __init__(self, timeout: float | None = None) -> None:
        self.at: float | None = None
        self.timeout = timeout


_running = threading.local()  # the _Started of the watched call running on this thread


def call_progress() -> Callable[[], None]:
    """A function that says the watched call running on this thread (if any) is making
    progress: its ``call_timeout`` counts again from then.  A served model calls it when a
    request is answered: one call of 20,000 inputs is 20 requests, and a healthy server
    answering each in 5 s is not hung at 60 s.  Callable from any thread (a pool's)."""
    started = getattr(_running, "started", None)
    if started is None:
        return _no_progress

    def tick() -> None:
        started.at = time.monotonic()

    return tick


def _no_progress() -> None:
    pass


def call_deadline() -> Callable[[], tuple[float, float] | None]:
    """A function giving, for the watched call running on this thread (if any), the seconds
    it has left before it is taken to be hung and its ``call_timeout``: (left, timeout); None
    when it has no deadline.  A served model asks it before waiting as its server asked
    (``Retry-After``): a wait the call cannot outlive is said as such at once, not as a
    model that "may be hung" once the deadline passes.  Callable from any thread."""
    started = getattr(_running, "started", None)
    if started is None or started.timeout is None:
        return _no_deadline
    timeout = float(started.timeout)

    def left() -> tuple[float, float] | None:
        at = started.at
        return None if at is None else (at + timeout - time.monotonic(), timeout)

    return left


def _no_deadline() -> tuple[float, float] | None:
    return None


class WatchedCaller:
    """A Caller whose calls all have a deadline, and that a stop request interrupts.

    Calls run off the main thread (on ``inner`` when it runs them in the background, else on a
    daemon thread of its own), so that the main thread can stop waiting: after
    ``call_timeout`` seconds of one call without progress (``call_progress``; ``CallTimeout``, a
    ``ModelError``), when the run's
    time is up (``time_left()`` reaches 0: ``BudgetExhausted``), or ``STOP_GRACE`` seconds
    after ``stop`` was set (``KeyboardInterrupt``: the run is left at its last checkpoint).
    A call given up on is abandoned: its thread is a daemon, and it is never waited for again.
    An ``inner`` caller whose calls run in the thread that reads their answer
    (``runs_here``: ``text.pipeline.WorkerCaller``, for a model answering in another
    process) has them wait there, in ``wait_ready``, under the same deadlines.
    """

    def __init__(
        self,
        inner: Caller | None = None,
        *,
        call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
        time_left: Callable[[], float | None] | None = None,
        stop: StopRequest | None = None,
        answered: Callable[[], int] | None = None,
    ) -> None:
        self.inner: Caller = InlineCaller() if inner is None else inner
        self.call_timeout = call_timeout
        self.time_left = time_left
        self.stop = stop
        self.answered = answered
        self.abandoned = False
        self._worker: _Worker | None = None

    def submit(self, call: ModelCall, /) -> Call:
        started = _Started(self.call_timeout)
        # a call that only collects what a model answered in another process
        # (``model_elsewhere``: ``text.pipeline.WorkerCaller``) runs none of the model's
        # code here: nothing to shield (the model's own calls are shielded where they run;
        # the signal handlers read and compared around each call cost ~100 us of CPU a
        # call in a loaded run)
        body = call if getattr(self.inner, "model_elsewhere", False) else shielded(call)

        def timed() -> np.ndarray:
            started.at = time.monotonic()
            _running.started = started
            try:
                return body()
            finally:
                _running.started = None

        if getattr(self.inner, "background", False):
            handle: Any = self.inner.submit(timed)
        else:
            if self._worker is None:
                self._worker = _Worker()
            inner = self.inner
            handle = self._worker.submit(lambda: inner.submit(timed).result())
        return _WatchedCall(self, handle, started, time.monotonic())

    def close(self) -> None:
        self.release()
        if not self.abandoned:
            self.inner.close()

    def release(self) -> None:
        """End this caller's own thread, if it started one (``inner`` is left open)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _abandon(self) -> None:
        self.abandoned = True
        abandon = getattr(self.inner, "abandon", None)
        if callable(abandon):
            abandon()
        self.release()


class _WatchedCall:
    __slots__ = ("_caller", "_handle", "_started", "_submitted")

    def __init__(
        self, caller: WatchedCaller, handle: Any, started: _Started, submitted: float
    ) -> None:
        self._caller, self._handle = caller, handle
        self._started, self._submitted = started, submitted

    def result(self) -> np.ndarray:
        handle = self._handle
        if getattr(handle, "runs_here", False):
            # a call run by the thread that reads its answer (``text.pipeline.WorkerCaller``):
            # what it waits on (a worker process's pipe) is waited for in ``wait_ready``, in
            # slices this call's deadlines set, with no thread to hand the call to and back
            before = getattr(_waiting, "check", None)
            _waiting.check = self._next_wait
            try:
                here: np.ndarray = handle.result()
                return here
            finally:
                _waiting.check = before
        if not callable(getattr(handle, "done", None)):
            out: np.ndarray = handle.result()  # a call that already ran
            return out
        while True:
            if handle.done():
                value: np.ndarray = handle.result()
                return value
            wait = self._next_wait()
            try:
                handle.result(timeout=wait)
            except FutureTimeout:
                continue
            except KeyboardInterrupt:
                # the user's (a Ctrl-C or SIGTERM landing while this thread waits), never
                # the call's (``shielded`` makes a model's own a ModelError): not swallowed,
                # even when the call happens to end at that moment
                raise
            except BaseException:
                if handle.done():
                    continue  # raised again, from the top of the loop
                raise

    def _next_wait(self) -> float:
        """Seconds to wait for the answer before looking again (a slice, or what is left of
        the call's, the run's or a stop's time, if less); once one of them is spent, the
        call is given up on and what ended it raised."""
        c = self._caller
        now = time.monotonic()
        waits = [_SLICE]
        if c.stop is not None and c.stop.is_set():
            left = (c.stop.at or now) + STOP_GRACE - now
            if left <= 0:
                c._abandon()
                raise KeyboardInterrupt
            waits.append(left)
        if c.call_timeout is not None:
            begun = self._started.at
            # a call still queued behind another is measured from its submission, twice
            limit = (
                begun + c.call_timeout
                if begun is not None
                else (self._submitted + 2 * c.call_timeout)
            )
            if now >= limit:
                c._abandon()
                raise CallTimeout(
                    f"the model did not answer within {c.call_timeout:g} s "
                    "(--call-timeout); it may be hung"  # (what was found: said by the caller)
                )
            waits.append(limit - now)
        run_left = c.time_left() if c.time_left is not None else None
        if run_left is not None:
            if run_left <= 0:
                c._abandon()
                if c.answered is not None and c.answered() == 0:
                    # slow, not failed (a hung model is --call-timeout's): the budget
                    # was too small to test anything (exit 2, never 'the model failed')
                    raise BudgetExhausted(
                        "nothing was tested: the model did not answer its first call "
                        "within the run's time budget (--max-time); raise --max-time "
                        "(a model that hangs is ended by --call-timeout)",
                        reason="time",
                    )
                raise BudgetExhausted(
                    "time budget spent while the model was answering", reason="time"
                )
            waits.append(run_left)
        return max(min(waits), 0.001)


_waiting = threading.local()  # the deadline check of the watched call run on this thread


def wait_ready(ready: Callable[[float | None], bool]) -> None:
    """Wait until ``ready(seconds)`` (which waits up to that long, None: for ever) says so:
    in slices of the deadlines of the watched call this thread runs, if it runs one (a
    ``WatchedCaller``'s, run where its answer is read: its ``CallTimeout``,
    ``BudgetExhausted`` or ``KeyboardInterrupt`` is raised from here once one is spent),
    else at once for as long as it takes."""
    check: Callable[[], float] | None = getattr(_waiting, "check", None)
    if check is None:
        ready(None)
        return
    while not ready(check()):
        pass
