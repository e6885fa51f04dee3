"""Signal handlers that assay installs itself (the command line's SIGTERM, turned into a
Ctrl-C): a run that a signal stopped passes the signal on to the handler it had replaced,
when that handler is the embedding program's own (``core.run``), never to these."""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["is_own", "own_handler"]

H = TypeVar("H")

_OWN: list[Any] = []


def own_handler(handler: H) -> H:
    """Mark ``handler`` as assay's own."""
    _OWN.append(handler)
    return handler


def is_own(handler: Any) -> bool:
    return any(handler is h for h in _OWN)
