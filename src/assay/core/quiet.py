"""Silencing the warnings of a library assay calls (scikit-learn's convergence notes while a
built-in model trains, torch's note that TorchScript is deprecated, ...) without taking the
process's warning filters from the caller's other threads.

``warnings.catch_warnings`` is not thread-safe: it saves the filter list, puts a new one in its
place and puts the saved one back at the end, whatever other threads did meanwhile.  A run on
a worker thread silenced every warning of the program's main thread while it trained a model,
and when the main thread used ``catch_warnings`` too (pytest does, around each test) the two
restores crossed and left an "ignore every warning" filter in the process for good.

``quiet`` changes the list in place instead, and only for its own thread: it puts one filter
in front whose module pattern (``_ThisThread``) matches only on the thread that entered it and
only until it leaves (warnings' filters call ``match`` on any object given as the module), and
takes that very entry out at the end, from whichever list is then the process's.  The other
threads' filters, before and after, stay theirs, and their warnings are never silenced by it;
an entry a caller's own ``catch_warnings`` put back after it left matches nothing (and the
next ``quiet`` to end takes it out).
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["quiet"]

_LOCK = threading.Lock()


class _ThisThread:
    """A filter's module pattern: ``pattern`` on the thread that made it, while it is live.

    Shaped as a compiled pattern (``pattern``, ``flags``, ``match``) for code that copies
    the process's filters (scikit-learn's ``Parallel`` gives its workers the caller's): the
    copy gets the pattern while it is live on this thread, one matching nothing after."""

    flags = 0

    def __init__(self, pattern: str) -> None:
        self._regex = re.compile(pattern)
        self.thread = threading.get_ident()
        self.live = True

    def _here(self) -> bool:
        return self.live and threading.get_ident() == self.thread

    @property
    def pattern(self) -> str:
        return self._regex.pattern if self._here() else _NEVER

    def match(self, module: str) -> bool:
        return self._here() and self._regex.match(module) is not None

    def __repr__(self) -> str:  # (as ``warnings.filters`` shows it)
        return f"<assay.quiet {self._regex.pattern!r} on thread {self.thread}>"


_NEVER = "(?!)"  # a pattern that matches nothing


@contextmanager
def quiet(module: str, category: type[Warning] = Warning, *, message: str = "") -> Iterator[None]:
    """Within the block, on this thread, ignore the warnings of ``category`` issued from
    ``module`` (a regular expression matched at the start of the issuing module's name, e.g.
    ``r"sklearn\\b"``) whose text matches ``message`` (a regular expression; '' any)."""
    scope = _ThisThread(module)
    entry: Any = (
        "ignore",
        re.compile(message, re.IGNORECASE) if message else None,
        category,
        scope,
        0,
    )
    with _LOCK:
        filters: Any = warnings.filters  # (a list: typeshed says a Sequence)
        filters.insert(0, entry)
        _changed()
    try:
        yield
    finally:
        scope.live = False  # (a copy of the list a caller kept and puts back: inert)
        with _LOCK:
            # this entry, by identity (an equal filter of the caller's stays), and any other
            # of ours left behind (put back by a caller's catch_warnings that began inside)
            filters = warnings.filters
            filters[:] = [f for f in filters if f is not entry and _live(f)]
            _changed()


def _live(entry: object) -> bool:
    """False for an entry of ``quiet``'s that has ended; True for any other."""
    scope = entry[3] if isinstance(entry, tuple) and len(entry) == 5 else None
    return not isinstance(scope, _ThisThread) or scope.live


def _changed() -> None:
    """Tell the warnings machinery its filters changed (warnings already shown once at a
    place are looked at again)."""
    mutated = getattr(warnings, "_filters_mutated", None)
    if callable(mutated):
        mutated()
