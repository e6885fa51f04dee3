"""What ``--max-time`` bounded in a resumed run, said when its wall clock went past it.

A run's ``--max-time`` counts the engine's time (the search and its checks) over all its
sessions; a resumed session loads the model and data again before its engine starts, and
that loading (like the first session's phases around the search) is beside the budget.  A
first session's loading is inside it (``core.loading_time``); a resume's is not, so the
resumed command says so, with this session's loading time, when the run's wall clock ended
past its budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from assay.core.store import RunRecord

__all__ = ["FirstEvent", "resumed_time_note"]


class FirstEvent:
    """A progress callback passed through, noting when its first event came: the run's
    engine (or its first phase) began, so loading had ended."""

    def __init__(self, inner: Callable[[dict[str, Any]], Any] | None) -> None:
        self.inner = inner
        self.at: float | None = None

    def __call__(self, event: dict[str, Any]) -> Any:
        if self.at is None:
            self.at = time.monotonic()
        return None if self.inner is None else self.inner(event)


def resumed_time_note(
    record: RunRecord, *, started: float, loaded: float | None, python: bool = False
) -> str | None:
    """The note for a resumed ``record`` whose wall clock went past its ``--max-time``; this
    session began at ``started`` and its loading ended at ``loaded`` (``time.monotonic()``;
    None: not known).  ``python``: the budget named as a Python caller gave it
    (``max_time=20``)."""
    max_time = (record.config.get("budget") or {}).get("max_time")
    metrics = (record.summary or {}).get("metrics")
    wall = metrics.get("wall-clock seconds") if isinstance(metrics, dict) else None
    if not isinstance(max_time, int | float) or not isinstance(wall, int | float):
        return None
    if wall <= max_time:
        return None
    engine = (record.progress or {}).get("elapsed")
    searched = f" ({float(engine):.1f} s of it)" if isinstance(engine, int | float) else ""
    session = time.monotonic() - started
    loading = "" if loaded is None else f", {loaded - started:.1f} s of it loading again"
    return (
        f"{f'max_time={max_time:g}' if python else f'--max-time {max_time:g}'} bounds the "
        "run's search and checks over its sessions"
        f"{searched}; each resumed session's loading and the phases around the search are "
        f"beside it: the run took {float(wall):.1f} s of wall clock in all, this session "
        f"{session:.1f} s{loading}"
    )
