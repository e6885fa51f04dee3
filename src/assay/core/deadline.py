"""The run's deadline while its model is being loaded.

A run bounded by ``--max-time`` counts loading too; loading may call the model (a callable is
probed once to learn what it answers), and that call must give up when the run's time is up
rather than after ``--call-timeout``.  The command sets the deadline around loading
(``run_deadline``); a call made inside reads it (``time_left``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["run_deadline", "time_left"]

_DEADLINE: ContextVar[float | None] = ContextVar("assay_run_deadline", default=None)


@contextmanager
def run_deadline(at: float | None) -> Iterator[None]:
    """Inside, calls that read ``time_left`` give up at ``at`` (``time.monotonic()``; None:
    no deadline)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> Callable[[], float | None] | None:
    """The seconds left before the deadline set around this call, as a function (None: no
    deadline was set)."""
    at = _DEADLINE.get()
    if at is None:
        return None
    return lambda: at - time.monotonic()
