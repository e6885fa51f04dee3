"""How many inputs loading asked a model: an adapter that learns what a model answers from
a probe batch (``load_model(probe=...)``) says so here (``asked``), and a caller that
counts what it sends (the text run, whose ``--max-queries`` counts loading's sentences)
reads the count in a ``counting`` block.  Outside such a block nothing is counted.

What the model answered to a probe is kept in a ``keeping`` block (``answered``): the
backdoor scan checks a function's or a served model's answer before its run is made, as it
checks every answer in the run, with no call more (``backdoor.first_answer``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["answered", "asked", "counting", "keeping"]

_TALLY: ContextVar[list[int] | None] = ContextVar("assay_probe_tally", default=None)
_KEPT: ContextVar[list[tuple[Any, Any]] | None] = ContextVar("assay_probe_kept", default=None)


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


@contextmanager
def keeping() -> Iterator[list[tuple[Any, Any]]]:
    """A block whose probes' answers are kept, in order: ``(probe, answer)`` each, the
    answer as the model gave it (before an adapter reads it)."""
    kept: list[tuple[Any, Any]] = []
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)


def answered(probe: Any, answer: Any) -> None:
    """A model answered ``answer`` to loading's ``probe`` (kept in a ``keeping`` block)."""
    kept = _KEPT.get()
    if kept is not None:
        kept.append((probe, answer))
