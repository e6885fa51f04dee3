"""A fairness run's rates and times as its metrics say them: per the run's wall clock from its
start and per every query it asked of the model, the search phase's own figures beside them,
each labelled with what it counts.

A figure counted over the search alone flatters the run: "seconds to first 100 IDIs" read
0.073 s of a run that spent 3.28 s loading before its search began, and "IDIs per 1,000
queries" divided by the search's 14,000 queries in a run that asked the model 38,662 (its
answer's samples and determinism checks). A user timing the run, or paying for an endpoint,
counts from pressing enter and pays for every query: those are the figures without
qualification; the search's own (what compares strategies) say "of the search phase only".
"""

from __future__ import annotations

from typing import Any

from assay.fairness.time_spent import SEARCHES

__all__ = [
    "RUN_FIRST_100",
    "RUN_FIRST_100_AT_LEAST",
    "RUN_PER_1000",
    "RUN_RATE",
    "SEARCH_FIRST_100",
    "SEARCH_PER_1000",
    "SEARCH_RATE",
    "run_rates",
]

SEARCH_PER_1000 = "IDIs per 1,000 queries of the search phase only"
RUN_PER_1000 = "IDIs per 1,000 queries (every query the run asked of the model)"
SEARCH_RATE = "IDIs per second of the search phase only"
RUN_RATE = "IDIs per second (wall clock from the run's start)"
SEARCH_FIRST_100 = "seconds to first 100 IDIs of the search phase only"
RUN_FIRST_100 = "seconds to first 100 IDIs (wall clock from the run's start)"
# a run resumed from a session that kept no record of when its searches began (stored before
# they were kept): its loading before the search counted, at least
RUN_FIRST_100_AT_LEAST = "seconds to first 100 IDIs, at least (wall clock from the run's start)"
_UNLABELLED_RATE = "IDIs per second"  # (``build_summary``'s: the search's, relabelled here)


def first_100(
    first: float, began: float | None, searches: list[Any] | None
) -> tuple[float, bool] | None:
    """The run's seconds to its first 100 IDIs, and whether that is a lower bound: the search's
    own ``first`` (its seconds to them, every session's search added) after the run's
    seconds when the session that found the 100th began its search (``searches``: each
    session's [run's seconds, search's own seconds before it], ``time_spent.SEARCHES``);
    without them, after ``began`` (the first session's search's start: exact when that
    session found them, which a run that kept no sessions' starts cannot tell); None: not
    known at all."""
    kept = [
        (float(x[0]), float(x[1]))
        for x in searches or []
        if isinstance(x, list | tuple) and len(x) == 2
    ]
    at = [(run, own) for run, own in kept if own <= first + 1e-9]
    if at:
        run, own = max(at, key=lambda x: x[1])
        return round(run + first - own, 3), False
    if began is None:
        return None
    return round(began + first, 3), True


def run_rates(summary: dict[str, Any], wall: float) -> dict[str, Any]:
    """``summary``'s metrics with the run's figures (``wall``: its wall-clock seconds from its
    start) before the search's own: IDIs per 1,000 of every query asked of the model
    (``model_queries["total"]``), per wall-clock second, and the seconds to the first 100 IDIs
    from the run's start (the search's own time to them, after the run's seconds when the
    search began: ``search_began_seconds``; a run that did not keep them, killed in its first
    search, counts its loading before it, at least)."""
    search = summary.get("search") or {}
    idis = int(search.get("idis", 0))
    metrics = dict(summary.get("metrics") or {})
    for key in (RUN_PER_1000, RUN_RATE, RUN_FIRST_100, RUN_FIRST_100_AT_LEAST):  # (recounted)
        metrics.pop(key, None)
    search_rate = metrics.pop(_UNLABELLED_RATE, metrics.pop(SEARCH_RATE, None))
    asked = (summary.get("model_queries") or {}).get("total")
    queries = int(asked) if isinstance(asked, int | float) else int(search.get("queries") or 0)
    first = search.get("seconds_to_first_100")
    began = summary.get("search_began_seconds")
    sessions = int(summary.get("sessions") or 1)
    lower = not isinstance(began, int | float) or sessions > 1
    if not isinstance(began, int | float):
        began = float((summary.get("seconds_by_phase") or {}).get("loading") or 0.0)
    run_first = (
        first_100(float(first), float(began), summary.get(SEARCHES))
        if isinstance(first, int | float)
        else None
    )
    first_key = RUN_FIRST_100
    if run_first is not None and run_first[1] and lower:
        first_key = RUN_FIRST_100_AT_LEAST  # (no session's start kept: its loading, at least)
    said: dict[str, Any] = {
        RUN_PER_1000: round(1000 * idis / queries, 1) if queries else 0.0,
        SEARCH_PER_1000: None,
        RUN_RATE: round(idis / wall) if wall > 0 else 0,
        SEARCH_RATE: search_rate,
        first_key: None if run_first is None else run_first[0],
        SEARCH_FIRST_100: None,
    }
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        if key == SEARCH_PER_1000:
            out[RUN_PER_1000] = said[RUN_PER_1000]
            out[key] = value
            out[RUN_RATE], out[SEARCH_RATE] = said[RUN_RATE], said[SEARCH_RATE]
        elif key == SEARCH_FIRST_100:
            out[first_key] = said[first_key]
            out[key] = value
        else:
            out[key] = value
    for key in (RUN_PER_1000, RUN_RATE, first_key):  # (a summary without the search's)
        out.setdefault(key, said[key])
    return out
