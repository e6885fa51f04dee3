"""A progress callback for a run with work before and after its search (the fairness
answer, the determinism checks): each such phase is shown as it starts, and the engine's
last line ('done' and the final counts) is held back until that work has ended, so that
neither a bar nor the printed lines say 'done' while the run goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Phased"]

ProgressCallback = Callable[[dict[str, Any]], None]


class Phased:
    """Wraps the display's ``on_progress`` (None: shows nothing)."""

    def __init__(self, on_progress: ProgressCallback | None) -> None:
        self.inner = on_progress
        self.held: dict[str, Any] | None = None
        self.last_phase = "search"

    def __call__(self, p: dict[str, Any]) -> None:
        """The engine's progress; its last line is held (``finish`` shows it)."""
        if self.inner is None:
            return
        if p.get("final"):
            self.held = p
            # the counts are final: shown now, under the search's label until 'done'
            self.inner({**p, "final": False, "phase": self.last_phase})
        elif p.get("phase") == "done":  # the search's end, not the run's: not 'done' yet
            self.inner({**p, "phase": self.last_phase})
        else:
            self.last_phase = str(p.get("phase") or self.last_phase)
            self.inner(p)

    def phase(self, name: str) -> None:
        """A phase outside the search starts (its counts are the search's, unchanged)."""
        if self.inner is not None:
            self.inner({"phase": name})

    def finish(self) -> None:
        """The held last line, once the run's work has ended."""
        if self.inner is not None and self.held is not None:
            held, self.held = self.held, None
            self.inner(held)
