"""Model calls on one background thread, so that a search's bookkeeping overlaps them.

While the model answers round ``t`` (mostly native code: BLAS, a tree walk, a network wait),
the search prepares round ``t + 1`` on the other core.  Native thread pools (BLAS, OpenMP) are
limited to one thread fewer than the machine has during the run, so that the model and the
search do not fight over the same cores (with both of them at full width on two cores, the
model ran at less than half its speed); the limits are restored when the caller closes.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

import numpy as np

from assay.core.calls import Call, Caller, InlineCaller, ModelCall, usable_cores

__all__ = ["ThreadCaller", "default_caller", "usable_cores"]

_STOP = None


class ThreadCaller:
    """Runs submitted calls one at a time, in order, on a daemon thread.

    ``native_threads``: the size native thread pools may use during calls; default one less
    than the machine's cores (at least one); ``0`` leaves them alone.
    """

    background = True  # calls run off the submitting thread: a WatchedCaller can time them

    def __init__(self, *, native_threads: int | None = None) -> None:
        cores = usable_cores()
        self.native_threads = max(cores - 1, 1) if native_threads is None else native_threads
        if self.native_threads < 0:
            raise ValueError(f"native_threads must be >= 0, not {native_threads}")
        self._queue: queue.SimpleQueue[tuple[Future[np.ndarray], ModelCall] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._abandoned = False

    def submit(self, call: ModelCall, /) -> Call:
        future: Future[np.ndarray] = Future()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="assay-model-calls", daemon=True
                )
                self._thread.start()
            self._queue.put((future, call))
        return future

    def _work(self) -> None:
        limits = _limit_native_threads(self.native_threads)
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                future, call = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(call())
                except BaseException as exc:  # handed to the thread that reads the result
                    future.set_exception(exc)
        finally:
            if limits is not None:
                limits.restore_original_limits()

    def close(self) -> None:
        """Finish the calls already submitted, then stop the thread (not waiting for a call
        that was abandoned: a hung model never keeps the process alive)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(_STOP)
        if thread is not None and not self._abandoned:
            thread.join()

    def abandon(self) -> None:
        """A call was given up on (deadline, Ctrl-C): never wait for the thread again."""
        self._abandoned = True

    def __enter__(self) -> ThreadCaller:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _limit_native_threads(n: int) -> Any:
    """Limit BLAS/OpenMP pools to ``n`` threads (from this thread); None if not possible."""
    if n <= 0:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # no control over native pools: calls still overlap
        return None
    return threadpool_limits(limits=n)


def default_caller() -> Caller:
    """A ``ThreadCaller`` where there is a second core to overlap with, else inline calls."""
    if usable_cores() >= 2:
        return ThreadCaller()
    return InlineCaller()
