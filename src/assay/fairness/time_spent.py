"""How a fairness run's time went, phase by phase: loading, the determinism checks, the
answer, the search.

A run bounded by ``--max-time`` on a busy machine may spend most of it loading: the run
says where the time went (``summary["seconds_by_phase"]``, and a warning when the search
got little of it), and a search that asked nothing is not a pass (``incomplete_reason``:
only the answer tested the model).  A run stopped and resumed (or finished) adds each
session's phases to its earlier ones' and says how many sessions it took
(``summary["sessions"]``); a ``--retrain`` adds its retraining's seconds (``retrain``:
outside the run's wall clock, which ends with its testing).  The run's seconds when its
search began (``summary["search_began_seconds"]``) turn the search's own time to its first
100 IDIs into the run's (``phases._record_wall_clock``).
"""

from __future__ import annotations

import time
from typing import Any

from assay.core.search_starts import SEARCHES, keep_search_start
from assay.core.store import RunStore

__all__ = [
    "SEARCHES",
    "SEARCH_SHARE",
    "TimeSpent",
    "earlier_phases",
    "retraining_phase",
    "squeezed",
]


SEARCH_SHARE = 0.25  # of --max-time: a search given less is said to have been squeezed
SQUEEZED = "--max-time "  # how the warning saying so begins
STOPPED_OTHERWISE = ("interrupted", "failed", "model_unavailable")  # not by the time budget
_SAID = {
    "loading": "loading",
    "checks": "the determinism checks",
    "answer": "the answer",
    "search": "the search",
    "retrain": "the retraining",
}


class TimeSpent:
    """The seconds of each phase since the run's start (``started``, ``time.monotonic()``):
    ``mark(phase)`` ends the phase that ran since the last mark.  ``earlier``: the run's
    earlier sessions' (``earlier_phases``: a resumed or finished run's), added to;
    ``sessions``: how many the run has taken, this one included (1: never stopped);
    ``search_began``: the run's seconds when its search began (an earlier session's, kept
    in its summary; else the phases marked before the search's, as they ran one after the
    other)."""

    def __init__(
        self,
        started: float,
        earlier: dict[str, float] | None = None,
        sessions: int = 1,
        search_began: float | None = None,
    ) -> None:
        self.last = self.started = started
        self.seconds: dict[str, float] = dict(earlier or {})
        self.sessions = sessions
        self.search_began = search_began

    def mark(self, phase: str) -> None:
        now = time.monotonic()
        if phase == "search" and self.search_began is None and "search" not in self.seconds:
            self.search_began = sum(self.seconds.values())  # (the phases before it)
        self.seconds[phase] = self.seconds.get(phase, 0.0) + max(now - self.last, 0.0)
        self.last = now

    def begin_search(self, store: RunStore, run_id: str, engine: float = 0.0) -> None:
        """The session's search begins: the run's seconds now (its earlier sessions' and
        this one's phases so far) and the search's own seconds before it (``engine``: the
        earlier sessions' searches'), kept with the run at once (``SEARCHES``, in its
        budget): a session killed in its search keeps them for the resume, which turns the
        search's own time to its first 100 IDIs into the run's, whichever session found
        the 100th (``rates.run_rates``).  Before, a first session killed in its search kept
        no figure, and its resume counted from its loading alone (0.07 s where the checks
        before the search had taken 3 s)."""
        clock = time.monotonic()
        now = sum(self.seconds.values()) + max(clock - self.last, 0.0)
        if self.search_began is None and "search" not in self.seconds:
            self.search_began = now
        budget = store.get_run(run_id).config.get("budget") or {}
        changes: dict[str, Any] = {}
        if self.search_began is not None and "search_began_seconds" not in budget:
            changes["search_began_seconds"] = round(self.search_began, 3)
        # (an earlier session killed in its search kept no phases, ``earlier_phases``: its
        # search's seconds alone, its loading lost; its kept start counts it)
        keep_search_start(
            store, run_id, now, engine=float(engine), session=clock - self.started, **changes
        )

    def keep(self, store: RunStore, run_id: str) -> None:
        """The seconds so far in the run's summary, once its search ended (then as each
        phase after it ends): a session killed later leaves them for the one that finishes
        the run (``earlier_phases``), which counts its wall clock from them."""
        summary = dict(store.get_run(run_id).summary or {})
        if summary:
            store.checkpoint(run_id, summary=self._said(summary))

    def _said(self, summary: dict[str, Any]) -> dict[str, Any]:
        """``summary`` with the seconds so far and the sessions that took them."""
        seconds = {k: round(v, 3) for k, v in self.seconds.items()}
        said = {**summary, "seconds_by_phase": seconds, "sessions": self.sessions}
        if self.search_began is not None:
            said["search_began_seconds"] = round(self.search_began, 3)
        return said

    def record(self, store: RunStore, run_id: str, max_time: float | None) -> None:
        """Put the seconds in the run's summary; with a time budget, say when the search
        got less than its share, and that a search which asked nothing is not a pass."""
        record = store.get_run(run_id)
        summary = dict(record.summary or {})
        if not summary:
            return
        summary = self._said(summary)
        search = self.seconds.get("search", 0.0)
        # (on its own: its space covered, ...; a search that asked nothing covered nothing,
        # whatever status a deadline already passed left it in)
        searched = int((summary.get("model_queries") or {}).get("search") or 0)
        ended = record.status == "completed" and searched > 0
        # (a search stopped otherwise, by Ctrl-C or its model, was not squeezed by the time:
        # "give the run more time" would send the user the wrong way; its resume says it)
        stopped = record.status in STOPPED_OTHERWISE
        if max_time is None or ended or stopped or search >= SEARCH_SHARE * max_time:
            store.checkpoint(run_id, summary=summary)
            return
        others = [
            f"{_SAID[k]} {v:.1f} s" for k, v in self.seconds.items() if k != "search" and v > 0
        ]
        went = f"{', '.join(others)}" if others else "nothing else"
        said = squeezed(summary)  # (an earlier session's: the run's phases say it anew)
        warnings = [w for w in summary.get("warnings", []) if w not in said]
        warnings.append(
            f"{SQUEEZED}{max_time:g} left the search {search:.1f} s ({went}; a busy machine, "
            "a slow model or a large file take the time): it searched less than it could; "
            "give the run more time"
        )
        summary["warnings"] = warnings
        asked = summary.get("model_queries") or {}
        searched = int(asked.get("search") or 0) + int(asked.get("estimate") or 0)
        if not searched and not summary.get("incomplete_reason"):
            summary["incomplete_reason"] = (
                f"the search asked no query: --max-time {max_time:g} ran out before it "
                f"({went}); only the answer tested the model: give the run more time"
            )
        store.checkpoint(run_id, summary=summary)


def retraining_phase(summary: dict[str, Any], seconds: float) -> dict[str, Any]:
    """``summary`` whose phases (``seconds_by_phase``, when it has them) add the retraining:
    ``seconds`` (the run's wall clock through its retraining's end) past the run's testing
    (``wall_seconds``, counted just before the retraining began)."""
    phases, wall = summary.get("seconds_by_phase"), summary.get("wall_seconds")
    if not isinstance(phases, dict) or not isinstance(wall, int | float):
        return summary
    retrain = round(max(seconds - float(wall), 0.0), 3)
    return {**summary, "seconds_by_phase": {**phases, "retrain": retrain}}


def squeezed(summary: dict[str, Any]) -> list[str]:
    """The warnings that say a search got less than its share of --max-time (and where the
    time went)."""
    return [str(w) for w in summary.get("warnings") or [] if str(w).startswith(SQUEEZED)]


def earlier_phases(summary: dict[str, Any], engine: float) -> dict[str, float]:
    """The seconds by phase of a run's earlier sessions, for a session that resumes or
    finishes it: as they kept them (``TimeSpent.keep``); a session killed in its search
    kept none: its engine's seconds (``engine``, the progress's: every session's), counted
    as the search, at least."""
    kept = summary.get("seconds_by_phase")
    phases: dict[str, float] = {}
    if isinstance(kept, dict):
        phases = {str(k): float(v) for k, v in kept.items() if isinstance(v, int | float)}
    if engine > phases.get("search", 0.0):  # (a later session killed in its search)
        phases["search"] = engine
    return phases
