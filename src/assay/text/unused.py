"""Why a text run under ``--max-queries`` asked fewer queries than its budget: the share the
checks keep from the search (``text.recheck.CheckPlan``) to re-check findings goes unasked
when there are none (or fewer) to re-check.  Said in the run's headline, so that a run whose
status is ``budget_exhausted`` (its search spent its share) is not read as one that asked
every query it was given."""

from __future__ import annotations

from typing import Any

__all__ = ["unused_note"]

_MARK = " of --max-queries "


def unused_note(
    summary: dict[str, Any], status: str, n_findings: int, budget: int | None, total: int
) -> dict[str, Any]:
    """``summary`` with its headline saying why ``budget - total`` queries went unasked
    (a note from an earlier session replaced, never repeated); unchanged when the whole
    budget was asked, there is none, or the search did not spend its share."""
    headline = summary.get("headline")
    if not isinstance(headline, str):
        return summary
    before = summary.get("unused_note")
    if isinstance(before, str) and before in headline:
        headline = headline.replace(before, "")
    note = None
    if budget is not None and total < budget and status == "budget_exhausted":
        left = budget - total
        none = n_findings == 0
        note = f"; {left:,}{_MARK}{budget:,} went unasked: kept from the search to re-check " + (
            "findings, and there were none" if none else "its findings, which needed fewer"
        )
    out = {k: v for k, v in summary.items() if k != "unused_note"}
    out["headline"] = headline + (note or "")
    if note:
        out["unused_note"] = note
    return out
