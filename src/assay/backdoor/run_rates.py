"""A backdoor run's per-image figures over the whole run, beside each image's own scan's.

"queries per image" and "seconds per image" were the images' own scans' means, the first
unlabelled: the run asks more beside them (the clean images' and the images' classes, the
determinism check before the scan, the recheck and the images asked again after it) and
spends the loading and those phases' seconds too.  A 20-image scan read "21.6 queries per
image" and "0.0223 s" where the run asked its model 1,118 queries after loading it (55.9 per
image; 2 more loading it) in 1.66 s
(0.083 s per image); and its headline's "1,102 queries in all" left out the determinism
check's 16.  The run's figures here, named for what they count; the scans' own keep theirs,
labelled "of its own scan only".
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "IN_ALL",
    "KNOWN_QUERIES",
    "OWN",
    "RUN_QUERIES",
    "RUN_SECONDS",
    "SCAN_QUERIES",
    "UNFLAGGED_QUERIES",
    "in_all_clause",
    "run_rates",
]

SCAN_QUERIES = "queries per image of its own scan only (mean)"
# the unflagged images' and those matched to a known trigger's means, each image's own scan's
# too (they were unlabelled: "queries per unflagged image (mean)", left46b)
UNFLAGGED_QUERIES = "queries per unflagged image of its own scan only (mean)"
KNOWN_QUERIES = "queries per image with a known trigger, of its own scan only (mean)"
OWN = "each image's own scan: "  # the headline's words before those figures
RUN_QUERIES = "queries per image (every query asked after loading the model)"
RUN_SECONDS = "seconds per image (wall clock from the run's start)"
IN_ALL = "queries in all (the images' own scans and the rest)"
_CHECK = "queries asked by the determinism check"
MODEL_QUERIES = "queries"  # a model scan's, every query after loading the model


def in_all_clause(asked: int, own: int) -> str:
    """The headline's count of every query beside the images' own scans'."""
    return f"; {asked:,} queries in all, {own:,} of them by the images' own scans"


def run_rates(summary: dict[str, Any], scanned: int, seconds: float) -> dict[str, Any]:
    """``summary`` with the run's queries in all (the scan's ``scanned``, the determinism
    check's added: it is asked before the scan, apart from the scan's count) in its metric
    and headline, and the run's queries and wall-clock seconds (from its start, loading and
    every session included) per image scanned."""
    metrics = dict(summary.get("metrics") or {})
    n = int(metrics.get("images scanned") or 0)
    if n <= 0:  # (a model scan scans no images: no figure per image; its queries in all)
        return _model_scan_queries(summary, scanned)
    out = dict(summary)
    check = int(metrics.get(_CHECK) or 0)
    asked = int(scanned) + check
    kept = metrics.get(IN_ALL)
    if isinstance(kept, int) and kept != asked:
        own = sum(int(r.get("queries") or 0) for r in summary.get("rows") or [])
        headline = str(out.get("headline") or "")
        for was in (int(kept), int(scanned)):  # (the scan's count, or a session's before)
            clause = in_all_clause(was, own)
            if clause in headline:
                out["headline"] = headline.replace(clause, in_all_clause(asked, own))
                break
        metrics[IN_ALL] = asked
    metrics[RUN_QUERIES] = round(asked / n, 2)
    if seconds > 0:
        metrics[RUN_SECONDS] = round(seconds / n, 5)
    out["metrics"] = metrics
    return out


def _model_scan_queries(summary: dict[str, Any], scanned: int) -> dict[str, Any]:
    """A model scan's "queries" (metric and headline) with the determinism check's added:
    its headline said "39,816 queries" of a run that asked the model 39,832 after loading
    it (the check's 16 apart; audit46b), where an input scan's counted them (left45r)."""
    metrics = dict(summary.get("metrics") or {})
    kept = metrics.get(MODEL_QUERIES)
    check = int(metrics.get(_CHECK) or 0)
    asked = int(scanned) + check
    if "classes scanned" not in metrics or not isinstance(kept, int) or kept == asked:
        return summary
    out = dict(summary)
    headline = str(out.get("headline") or "")
    for was in (int(kept), int(scanned)):
        clause = f"; {was:,} queries"
        if clause in headline:
            out["headline"] = headline.replace(clause, f"; {asked:,} queries", 1)
            break
    metrics[MODEL_QUERIES] = asked
    out["metrics"] = metrics
    return out
