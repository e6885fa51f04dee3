"""When the call a user waits for began: the start of a run's clock.

A run's wall-clock seconds, its rates and its ``--max-time`` count from the moment the user
began waiting: the entry of an API function (``assay.check_fairness(...)``, whose first call
in a process imports the library's modules: part of the wait), or the start of the ``assay``
process.  The entry sets that moment around the call (``entered``); the run reads it
(``call_started``) and falls back to the time it is asked when no entry set one.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["call_started", "clocked", "entered", "process_started"]

F = TypeVar("F", bound=Callable[..., Any])

_STARTED: ContextVar[float | None] = ContextVar("assay_call_started", default=None)


@contextmanager
def entered(at: float) -> Iterator[None]:
    """Inside, ``call_started()`` is ``at`` (a ``time.monotonic()`` value)."""
    token = _STARTED.set(at)
    try:
        yield
    finally:
        _STARTED.reset(token)


def call_started() -> float:
    """The ``time.monotonic()`` at which the call being served began: the one set around it
    (``entered``), else now."""
    at = _STARTED.get()
    return time.monotonic() if at is None else at


def process_started() -> float | None:
    """The ``time.monotonic()`` at which this process started (the interpreter's own start
    and its imports included), or None where the system does not say (only Linux's
    ``/proc`` is read)."""
    try:
        with open(f"/proc/{os.getpid()}/stat", "rb") as f:
            stat = f.read()
        ticks = int(stat.rsplit(b")", 1)[1].split()[19])  # field 22: start, in clock ticks
        since_boot = ticks / os.sysconf("SC_CLK_TCK")
        uptime = time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    age = uptime - since_boot
    if not 0.0 <= age < 3600.0:  # a clock that disagrees: not to be trusted
        return None
    return time.monotonic() - age


def clocked(fn: F) -> F:
    """Decorate an API function: the runs it serves count from its entry (``call_started``
    inside it is then, unless a caller set an earlier start)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with entered(call_started()):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
