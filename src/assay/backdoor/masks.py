"""A known trigger's mask: the pixels of its box on which the images flagged with it agree (no
query).

A trigger is matched on later images by its pixels (``patches.trigger_present``: 85 % of
them within 0.25).  A trigger that does not fill its box (a plus, an L, two dots) leaves the
rest of the box to each image's own strokes: a plus at the centre of 16x16 digits shares its
3x3 box with 4 pixels of the digit, so images drawn otherwise there were not matched to the
known plus and were scanned afresh (11 of 68 detections, 253-889 queries each; bench/RESULTS.md,
bd38's Left 2).  The images flagged with one trigger are of many classes; at the trigger's own
pixels they agree with its content (the attacker pasted the same pattern on all of them),
beside it their strokes differ.  The mask is the pixels where at least ``agree`` of them are
within ``tolerance`` of the form's content.  With few of them (``least``) strokes agree by
chance, and a mask that keeps fewer than ``smallest`` of the box's pixels would match too
little to tell a trigger by: both give None (the whole box, as before).  A square trigger
pasted whole agrees everywhere: its mask is its box (None).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assay.backdoor.patches import Trigger

__all__ = ["agreed_mask", "with_masks"]

# the fewest flagged images a mask is learnt from (with 1-2, strokes agree by chance).  Three
# against five: the centre plus's images scanned afresh 5 -> 4 (16x16), 5 -> 3 (8x8); every
# other case of bench/backdoor_shapes.py and the default quick bench unchanged (bd38b)
MASK_LEAST = 3
MASK_AGREE = 0.9  # share of them a pixel of the mask agrees on
MASK_SMALLEST = 0.25  # share of the box's pixels (and at least two) a mask keeps, else the box


def agreed_mask(
    images: np.ndarray,
    trigger: Trigger,
    *,
    tolerance: float = 0.25,
    agree: float = MASK_AGREE,
    least: int = MASK_LEAST,
    smallest: float = MASK_SMALLEST,
) -> np.ndarray | None:
    """(h, w) mask of the trigger's box: the pixels where at least ``agree`` of ``images``
    (n, H, W, C: the images flagged with it) are within ``tolerance`` of its content (every
    channel); None (the whole box) with fewer than ``least`` images, when every pixel agrees,
    or when fewer than ``smallest`` of the box's pixels (at least two) would be kept."""
    if len(images) < least:
        return None
    t, left, h, w = trigger.box
    region = images[:, t : t + h, left : left + w, :]
    close = np.all(np.abs(region - trigger.content[None]) <= tolerance, axis=-1)
    mask: np.ndarray = close.mean(axis=0) >= agree
    kept = int(mask.sum())
    if kept == h * w or kept < max(2, math.ceil(smallest * h * w)):
        return None
    return mask


def with_masks(
    matchers: Sequence[tuple[int, Trigger]],
    rows: Sequence[dict[str, Any]],
    images: np.ndarray,
    ids: set[int] | None = None,
) -> list[tuple[int, Trigger]]:
    """``matchers`` (trigger id, form) with each form's mask learnt from the images of
    ``rows`` flagged with its trigger (``agreed_mask``); only the triggers in ``ids`` when
    given (the others' forms are kept as they are)."""
    flagged: dict[int, list[int]] = {}
    for row in rows:
        k = row.get("trigger_id")
        if row.get("poisoned") and k is not None:
            flagged.setdefault(int(k), []).append(int(row["image"]))
    out = []
    for k, form in matchers:
        if ids is None or k in ids:
            mine = images[np.asarray(flagged.get(k, []), dtype=np.int64)]
            form = replace(form, mask=agreed_mask(mine, form))
        out.append((k, form))
    return out
