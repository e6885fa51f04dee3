"""The objects a thread opens within a block, held strongly until the block ends.

An API call closes the run stores it opened (``core.call_exit``), but it saw them only
through the weak set of the stores still open (``core.store.open_stores``): the run's store,
dropped by the frame that opened it as the call returned, was finalized by reference count
before the call's end could close it, so ``close`` never ran for it (its run's lock dropped,
not let go of; its session clock not put back; its merger not stopped: beat52's Left).  Each
store notes itself here as it opens (``opened``), and the innermost block of its thread keeps
it alive until that block has closed it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["opened", "within"]

_BLOCKS = threading.local()  # this thread's blocks, innermost last: what each keeps


@contextlib.contextmanager
def within() -> Iterator[list[Any]]:
    """The block: the list it yields gets each object this thread opens (``opened``) until
    the block ends, held by it (an inner block's objects are its own, not the outer's)."""
    blocks: list[list[Any]] = _BLOCKS.__dict__.setdefault("stack", [])
    kept: list[Any] = []
    blocks.append(kept)
    try:
        yield kept
    finally:  # (by identity: two empty lists are equal)
        del blocks[next(i for i, b in enumerate(blocks) if b is kept)]


def opened(obj: Any) -> None:
    """``obj`` was opened on this thread: held by the thread's innermost block, if any."""
    blocks: list[list[Any]] | None = getattr(_BLOCKS, "stack", None)
    if blocks:
        blocks[-1].append(obj)
