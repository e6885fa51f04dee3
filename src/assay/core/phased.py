"""A progress callback for a run with work before and after its search (the determinism
checks, the fairness answer, retraining): each such phase is shown as it starts, and the
engine's last line ('done' and the final counts) is held back until that work has ended, so
that neither a bar nor the printed lines say 'done' while the run goes on.  Given the run's
start (``started``, with the seconds of its earlier sessions, ``before``), every line it
passes on carries the run's wall-clock seconds (``wall``), which the display shows rather
than the engine's own (the search's alone): the last line's are the run's through the end
of every phase."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["Phased"]

ProgressCallback = Callable[[dict[str, Any]], None]


class Phased:
    """Wraps the display's ``on_progress`` (None: shows nothing)."""

    def __init__(
        self,
        on_progress: ProgressCallback | None,
        *,
        started: float | None = None,
        before: float = 0.0,
    ) -> None:
        self.inner = on_progress
        self.held: dict[str, Any] | None = None
        self.last_phase = "search"
        self.started = started
        self.before = before

    def wall(self) -> float | None:
        """The run's wall-clock seconds so far (its earlier sessions' included); None
        without its start."""
        if self.started is None:
            return None
        return self.before + time.monotonic() - self.started

    def _show(self, p: dict[str, Any]) -> None:
        assert self.inner is not None
        wall = self.wall()
        self.inner(p if wall is None or "wall" in p else {**p, "wall": wall})

    def __call__(self, p: dict[str, Any]) -> None:
        """The engine's progress; its last line is held (``finish`` shows it)."""
        if self.inner is None:
            return
        if p.get("final"):
            self.held = p
            # the counts are final: shown now, under the search's label until 'done'
            self._show({**p, "final": False, "phase": self.last_phase})
        elif p.get("phase") == "done":  # the search's end, not the run's: not 'done' yet
            self._show({**p, "phase": self.last_phase})
        else:
            if not p.get("phase"):  # (an engine that names no phase: its search's line,
                p = {**p, "phase": "search"}  # after a phase named before it)
            self.last_phase = str(p["phase"])
            self._show(p)

    def phase(self, name: str) -> None:
        """A phase outside the search starts (its counts are the search's, unchanged)."""
        if self.inner is not None:
            self._show({"phase": name})

    def finish(self, wall: float | None = None) -> None:
        """The held last line, once the run's work has ended; ``wall``: the run's seconds
        as it recorded them (else counted now)."""
        if self.inner is not None and self.held is not None:
            held, self.held = self.held, None
            self._show(held if wall is None else {**held, "wall": wall})
