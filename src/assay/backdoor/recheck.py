"""The images scanned before a trigger was confirmed, matched against it once the scan is over.

The default scan checks each image against the triggers confirmed on earlier images first (a
pixel match, a few queries).  An image scanned before its trigger was known had only its own
search, and that search can miss: the first poisoned image's trigger found as a larger or
shifted box (a row of the digit's strokes inside it) is taken for the class's own feature
when the clean images of the class carry it, and an image whose windows did not move the
answer is left unflagged.  Once the scan is over every unflagged image is matched against
the triggers confirmed on later images (``inputscan.check_known``: only images that carry a
trigger's pixels cost queries), and a match replaces the image's row.  With one poisoned
image among those scanned the run said "0 images carry a confirmed trigger" and exited 0 when
a later image confirmed the trigger (bd31's Left 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assay.backdoor.inputscan import check_known
from assay.backdoor.patches import Trigger
from assay.backdoor.verdicts import ImageVerdict


def later_matchers(
    matchers: Sequence[tuple[int, Trigger]], image: int
) -> list[tuple[int, Trigger]]:
    """The matchers (trigger id, box) first found on an image scanned after ``image``, and
    those with a mask (``masks.py``: learnt, or learnt again, from the images flagged since;
    an image that matched it when scanned was asked then and is asked the same again).
    Without them, a poisoned 8x8 digit scanned before the plus's mask was learnt, which main
    rechecked through a form confirmed later, was left unflagged: the mask had matched the
    later images, so no later form was confirmed."""
    return [(k, t) for k, t in matchers if t.source > image or t.mask is not None]


def candidates(
    rows: Sequence[dict[str, Any]], matchers: Sequence[tuple[int, Trigger]]
) -> list[int]:
    """The positions in ``rows`` of the images to match again: scanned to a decision,
    unflagged, and before some trigger was found."""
    return [
        n
        for n, row in enumerate(rows)
        if not row.get("poisoned")
        and row.get("status") == "done"
        and later_matchers(matchers, int(row["image"]))
    ]


def recheck(
    rows: list[dict[str, Any]],
    matchers: Sequence[tuple[int, Trigger]],
    images: np.ndarray,
    clean: np.ndarray,
    labels: Callable[[np.ndarray], np.ndarray],
    scores: Callable[[np.ndarray], np.ndarray] | None,
    max_trigger: int,
    queries: Callable[[], int],
    clean_labels: np.ndarray | None = None,
) -> list[tuple[int, ImageVerdict]]:
    """The images of ``rows`` that carry a trigger confirmed after them, as (position in
    ``rows``, the verdict that replaces its row); the verdict's ``trigger_id`` is the
    trigger's id, its queries the row's plus the match's.  ``clean_labels``: the model's
    answers on ``clean``, for ``check_known``'s ``reference_labels``."""
    out: list[tuple[int, ImageVerdict]] = []
    for n in candidates(rows, matchers):
        row = rows[n]
        i = int(row["image"])
        mine = later_matchers(matchers, i)
        q0 = queries()
        hit = check_known(
            i,
            images[i],
            int(row["prediction"]),
            labels,
            [t for _, t in mine],
            clean,
            max_trigger=max_trigger,
            scanned=images,
            scores=scores,
            reference_labels=clean_labels,
        )
        if hit is None:
            continue
        assert hit.trigger_id is not None
        hit.trigger_id = mine[hit.trigger_id][0]
        hit.queries = int(row.get("queries", 0)) + queries() - q0
        hit.seconds = float(row.get("seconds", 0.0))
        kept: dict[str, Any] = {k: row[k] for k in ("true_label", "name") if k in row}
        hit.extra = {**kept, "rechecked": True}
        out.append((n, hit))
    return out


def replaced(
    rows: list[dict[str, Any]], rechecked: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``rows`` with each image's row replaced by its rechecked row (a restored state's rows
    are the rows as first scanned: the replacements travel beside them)."""
    by_image = {int(r["image"]): r for r in rechecked}
    return [by_image.get(int(r["image"]), r) for r in rows]
