"""What the backdoor demonstration planted, set beside what the scan found (the demo knows
which of its images carry the trigger; a user reading "28 of 60 images" should not have to
guess whether the other 32 were missed)."""

from __future__ import annotations

from typing import Any

from assay.backdoor.prepare import DEMO_TARGET, demo_planted

__all__ = ["demo_truth_line"]


def demo_truth_line(summary: dict[str, Any], model: str) -> str | None:
    """One line: how many of the demonstration's images carry its trigger and how many of
    them, and of the others, the scan flagged; ``None`` when the run scanned no images."""
    rows = [r for r in summary.get("rows") or [] if r.get("status", "done") == "done"]
    if not rows or any(r.get("true_label") is None for r in rows):
        return None
    planted = demo_planted([r["true_label"] for r in rows])
    flagged = [bool(r.get("poisoned")) for r in rows]
    hit = sum(f for f, p in zip(flagged, planted, strict=True) if p)
    false = sum(f for f, p in zip(flagged, planted, strict=True) if not p)
    n_planted = int(planted.sum())
    clean_model = model == "builtin:clean"
    why = " (this model was trained clean: the trigger means nothing to it)" if clean_model else ""
    return (
        f"the demonstration pasted its trigger (a 3x3 checkerboard; target {DEMO_TARGET}) on "
        f"{n_planted:,} of the {len(rows):,} images scanned{why}: {hit:,} of them flagged; "
        f"{false:,} of the other {len(rows) - n_planted:,} flagged"
    )
