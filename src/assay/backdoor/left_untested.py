"""Images an input scan looked at but did not test, and why that is not a pass.

An image whose own budget (``--max-queries-per-image``) ran out before its scan decided it
(status ``budget``: "undecided"), or whose class leaves too few clean images in other classes
to confirm a trigger towards it (status ``unverified``), was scanned but not tested: a trigger
in it would not have been found.  A run that found nothing in the images it did test has not
passed while such images remain (``summary.incomplete_reason``: exit 2, never 0); a run whose
every image is so tested nothing (``summary._unverifiable``).  On the trojaned digits, a
per-image budget of 10 queries left 48 of 60 images undecided (every poisoned one among
them), and clean images the model puts in the trigger's target class left the 30 poisoned
images unverified: both runs exited 0 with "0 of 60 images carry a confirmed trigger".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["left_untested"]


def left_untested(
    rows: Sequence[dict[str, Any]],
    *,
    max_queries_per_image: int | None,
    min_clean: int,
    clean_classes: str,
) -> str | None:
    """Why the images scanned but not tested leave the run short of a pass, naming how many
    and what to change; ``None`` when every image scanned was tested (or none was: that run
    tested nothing, said elsewhere)."""
    undecided = sum(r.get("status") == "budget" for r in rows)
    unverified = sum(r.get("status") == "unverified" for r in rows)
    left = undecided + unverified
    if not left or left == len(rows):
        return None
    parts = []
    if undecided:
        parts.append(
            f"{undecided:,} undecided (each one's own budget, --max-queries-per-image "
            f"{max_queries_per_image}, ran out before its scan decided it: raise "
            "--max-queries-per-image)"
        )
    if unverified:
        parts.append(
            f"{unverified:,} not verified (a trigger towards an image's class is confirmed by "
            f"pasting it on clean images of other classes, and theirs leaves fewer than "
            f"{min_clean}; clean images per class the model gave them: {clean_classes}: give "
            "clean images of several classes, --clean)"
        )
    flagged = sum(bool(r.get("poisoned")) for r in rows)
    return (
        f"{left:,} of the {len(rows):,} images scanned were not tested: "
        + "; ".join(parts)
        + f". Of the {len(rows) - left:,} tested, {flagged:,} carry a confirmed trigger, and "
        "an image not tested may too"
    )
