"""A run stopped by the caller's own code from another thread: a web app's cancel request, a
notebook widget's stop button, a job queue's shutdown.

The API functions that run a search take ``stop=``: any object with an ``is_set()`` method (a
``threading.Event``).  Once it is set, the run stops as the first Ctrl-C stops it (``core.run``
reads it beside its signal flag): at the search's next step, after the model call in flight
has answered, with its findings committed at a last checkpoint, status ``interrupted``
(resumable: ``assay.resume_run``); a campaign of ``units`` (``core.units``) reads it as each
unit is committed, keeping the units that ended.  The API function then returns the run's
result as it stands; it raises nothing (a ``KeyboardInterrupt`` raised in a server's worker
thread would end the server).  A stop set before the search starts stops it before its
first step.

The phases after a search that ended (a fairness run's answer, determinism checks and
retraining; a text run's re-check) hear it too (``heard_after_search``): their model calls
(``BudgetedModel(heed=asked_stop())``) raise ``StopHeard`` once it is set, which ends the
phase and those after it quietly.  The run keeps its ended status and its findings; what it
lacks stays marked (``core.unfinished``: never a pass), and ``assay.resume_run`` finishes it
(``core.finishing``).

The event reaches the search through this thread's scope (``stopping``) rather than through
every layer between the API and the driver; only the thread that runs the search reads it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from assay.errors import UsageError

__all__ = [
    "StopEvent",
    "StopHeard",
    "asked_stop",
    "check_stop",
    "heard_after_search",
    "stopping",
]


class StopEvent(Protocol):
    """What ``stop=`` takes: a ``threading.Event``, or anything with ``is_set()``."""

    def is_set(self) -> bool: ...


_SCOPE = threading.local()


def check_stop(stop: object) -> None:
    """A ``UsageError`` naming ``stop`` unless it is None or has a callable ``is_set``."""
    if stop is not None and not callable(getattr(stop, "is_set", None)):
        raise UsageError(
            f"must be a threading.Event (or anything with is_set()), or None; "
            f"not {type(stop).__name__}",
            argument="stop",
        )


@contextmanager
def stopping(stop: StopEvent | None) -> Iterator[None]:
    """Within the block, the runs this thread searches stop once ``stop`` is set."""
    check_stop(stop)
    outer = getattr(_SCOPE, "event", None)
    _SCOPE.event = stop if stop is not None else outer
    try:
        yield
    finally:
        _SCOPE.event = outer


def asked_stop() -> StopEvent | None:
    """The stop the caller gave for this thread's run (``stopping``), if any."""
    event: StopEvent | None = getattr(_SCOPE, "event", None)
    return event


class StopHeard(Exception):
    """The caller's stop was set while a phase after the search asked the model."""


@contextmanager
def heard_after_search(ended: bool) -> Iterator[None]:
    """Around the phases after a search: ``StopHeard`` ends the block quietly.  Only a search
    that ``ended`` lets them hear the stop (one that was stopped heard it already: what
    follows it, quick, is made as before)."""
    outer = getattr(_SCOPE, "event", None)
    _SCOPE.event = outer if ended else None
    try:
        yield
    except StopHeard:
        pass
    finally:
        _SCOPE.event = outer
