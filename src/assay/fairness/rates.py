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

__all__ = [
    "RUN_FIRST_100",
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
_UNLABELLED_RATE = "IDIs per second"  # (``build_summary``'s: the search's, relabelled here)


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
    for key in (RUN_PER_1000, RUN_RATE, RUN_FIRST_100):  # (recounted: a resumed run's)
        metrics.pop(key, None)
    search_rate = metrics.pop(_UNLABELLED_RATE, metrics.pop(SEARCH_RATE, None))
    asked = (summary.get("model_queries") or {}).get("total")
    queries = int(asked) if isinstance(asked, int | float) else int(search.get("queries") or 0)
    first = search.get("seconds_to_first_100")
    began = summary.get("search_began_seconds")
    if not isinstance(began, int | float):
        began = float((summary.get("seconds_by_phase") or {}).get("loading") or 0.0)
    said: dict[str, Any] = {
        RUN_PER_1000: round(1000 * idis / queries, 1) if queries else 0.0,
        SEARCH_PER_1000: None,
        RUN_RATE: round(idis / wall) if wall > 0 else 0,
        SEARCH_RATE: search_rate,
        RUN_FIRST_100: (
            round(float(began) + float(first), 3) if isinstance(first, int | float) else None
        ),
        SEARCH_FIRST_100: None,
    }
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        if key == SEARCH_PER_1000:
            out[RUN_PER_1000] = said[RUN_PER_1000]
            out[key] = value
            out[RUN_RATE], out[SEARCH_RATE] = said[RUN_RATE], said[SEARCH_RATE]
        elif key == SEARCH_FIRST_100:
            out[RUN_FIRST_100] = said[RUN_FIRST_100]
            out[key] = value
        else:
            out[key] = value
    for key in (RUN_PER_1000, RUN_RATE, RUN_FIRST_100):  # (a summary without the search's)
        out.setdefault(key, said[key])
    return out
