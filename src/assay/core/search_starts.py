"""Each session's search start, kept with the run as the search begins, so that a resumed
run's wall clock holds a killed session's loading and checks.

A session killed (``kill -9``) in its search records nothing after it: its last checkpoint
keeps the engine's seconds (``progress["elapsed"]``, every session's search), never the time
the session spent loading the model and checking it before.  Kept at the search's start
(``SEARCHES`` in the run's budget: the run's seconds then, and the engine's own seconds
before it), the resume counts that session from its start: the run's seconds when its search
began plus the engine's seconds since (``wall_from_starts``).  Every technique keeps them
(fairness through ``fairness.time_spent.TimeSpent.begin_search``, text and backdoor as their
search or scan begins) and reads them through ``core.runinfo.earlier_wall_seconds``.
"""

from __future__ import annotations

import time
from typing import Any

from assay.core.session_clock import through_last_write
from assay.core.store import RunStore

__all__ = ["SEARCHES", "keep_search_start", "keep_session_start", "kept_starts", "wall_from_starts"]

# each session's search's start: [the run's seconds then, the engine's own seconds before]
SEARCHES = "search_sessions"
_MOST_SEARCHES = 64  # (bounded: a run resumed more often keeps its last ones)


def kept_starts(budget: Any) -> list[list[float]]:
    """The search starts kept in a run's ``budget`` (none: a run stored before them)."""
    kept = budget.get(SEARCHES) if isinstance(budget, dict) else None
    if not isinstance(kept, list):
        return []
    return [
        [float(x[0]), float(x[1])]
        for x in kept
        if isinstance(x, list) and len(x) >= 2 and all(isinstance(v, int | float) for v in x[:2])
    ]


def keep_search_start(
    store: RunStore,
    run_id: str,
    now: float,
    *,
    engine: float | None = None,
    session: float = 0.0,
    **also: Any,
) -> float:
    """Keep with the run, at once, that its session's search begins ``now`` seconds into the
    run, the engine having run ``engine`` seconds before (None: its last checkpoint's, every
    earlier session's search).  ``session``: this session's seconds so far; where an earlier
    session's start is kept, the run's seconds are at least that session's start, its
    search's seconds since and this session's own (an earlier session killed in its search
    recorded nothing after its start).  ``also``: other budget entries changed with it.
    Returns the run's seconds kept."""
    record = store.get_run(run_id)
    if engine is None:
        engine = float((record.progress or {}).get("elapsed") or 0.0)
    # at least the run's seconds through its last write (this session's, or an earlier
    # one's killed before its search: ``core.session_clock``)
    now = max(now, through_last_write(record.config, record.status))
    began = kept_starts(record.config.get("budget"))
    if began:
        run, own = began[-1]
        now = max(now, run + max(float(engine) - own, 0.0) + max(session, 0.0))
    began = [*began, [round(now, 3), round(float(engine), 3)]][-_MOST_SEARCHES:]
    store.set_budget(run_id, **{SEARCHES: began, **also})
    return now


def wall_from_starts(record: Any) -> float:
    """The run's wall-clock seconds through its last checkpoint, from its last session's kept
    search start: the run's seconds then plus the engine's seconds since; at least its last
    session's seconds through its last write (``core.session_clock``; 0.0: neither kept)."""
    config = getattr(record, "config", None) or {}
    # (a session killed before its search kept no start: its last write's seconds, ops48)
    written = through_last_write(config, getattr(record, "status", "running"))
    began = kept_starts(config.get("budget"))
    if not began:
        return written
    run, own = began[-1]
    engine = (getattr(record, "progress", None) or {}).get("elapsed")
    since = float(engine) - own if isinstance(engine, int | float) else 0.0
    return max(run + max(since, 0.0), written)


def keep_session_start(store: RunStore, run_id: str, started: float, before: float) -> None:
    """Keep the search start of a session that began at ``started`` (``time.monotonic()``)
    of a run whose earlier sessions took ``before`` wall-clock seconds."""
    session = max(time.monotonic() - started, 0.0)
    keep_search_start(store, run_id, before + session, session=session)
