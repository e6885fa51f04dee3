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

import os
from collections.abc import Callable
from typing import Protocol

import numpy as np

__all__ = ["Call", "Caller", "InlineCaller", "ModelCall", "usable_cores"]

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
        assert self._value is not None
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
