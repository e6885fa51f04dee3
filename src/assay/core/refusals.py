"""What a served model's refusals say to code that knows no model: ``--max-time`` running
out while loading (``core.loading_time``) as the endpoint answered 429s said "raise
--max-time" (serve42's Left 2); it now says the endpoint was refusing, its status and the
wait it asked for.

A model answered by an endpoint (``models.http.HttpModel``) is watched from its making (a
weak reference: never kept alive by this); ``refused_since`` asks each whether a failing
streak has gone on since a moment (loading's start), and what it says of it.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

__all__ = ["refused_since", "watch"]


class _Refused(Protocol):
    def refusal_since(self, started: float) -> tuple[bool, str] | None:
        """Whether a streak begun at ``started`` or later is the endpoint refusing, and
        what to say of it; None without one."""
        ...


_WATCHED: weakref.WeakSet[Any] = weakref.WeakSet()


def watch(model: _Refused) -> None:
    """Watch ``model``'s refusals (``refused_since``)."""
    _WATCHED.add(model)


def refused_since(started: float) -> tuple[bool, str] | None:
    """A watched model's failing streak begun at ``started`` (``time.monotonic()``) or
    later, the endpoint refusing first; None when none fails."""
    found = [said for m in list(_WATCHED) if (said := m.refusal_since(started)) is not None]
    return max(found, key=lambda f: f[0]) if found else None
