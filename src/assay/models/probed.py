"""How many inputs loading asked a model: an adapter that learns what a model answers from
a probe batch (``load_model(probe=...)``) says so here (``asked``), and a caller that
counts what it sends (the text run, whose ``--max-queries`` counts loading's sentences)
reads the count in a ``counting`` block.  Outside such a block nothing is counted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["asked", "counting"]

_TALLY: ContextVar[list[int] | None] = ContextVar("assay_probe_tally", default=None)


@contextmanager
def counting() -> Iterator[list[int]]:
    """A block whose probe inputs are counted: ``tally[0]`` inputs asked within it (a call
    that failed included: its inputs were sent)."""
    tally = [0]
    token = _TALLY.set(tally)
    try:
        yield tally
    finally:
        _TALLY.reset(token)


def asked(n: int) -> None:
    """``n`` inputs are about to be asked of a model while it is loaded."""
    tally = _TALLY.get()
    if tally is not None:
        tally[0] += int(n)
