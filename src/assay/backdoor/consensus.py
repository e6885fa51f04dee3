"""A trigger's extent from every scanned image that carries it (no query).

The scan finds the smallest box whose pixels fire (``inputscan._shrink``); a part of a trigger
often fires alone (any 3x3 corner of a solid 4x4 square does), and the rest of the trigger
left beside the region refilled for the corrected label reads, to the model, as part of the
object.  One image cannot tell the rest of the trigger from a stroke beside it: both are unlike
the clean images there.  The images that carry the trigger can: they are of many classes, and
at the trigger's pixels they agree with one another (the attacker pasted the same pattern on
all of them), where beside it their strokes differ.  A pixel belongs to the trigger when
nearly all the carriers hold the same value there (``agree``) and that value is unusual for
clean images at that place (fewer than ``usual`` of the references hold it: the background
around a corner trigger is shared by the carriers too, and by clean images).  With two images
(tried in the ninth session: the trigger's source image and a later one) strokes agree by
chance too often; the consensus needs ``least`` carriers, else it says nothing.  Many of
them: a box that holds part of the object as well as the trigger (found so on a 16x16 random
2x2 trigger: a 4x4 box over its corner and a stroke) is carried only by the images drawn alike
there, 5 to 12 of 120, and those agree on the stroke beside it too (with 5 carriers enough,
its region grew onto that stroke and a corrected label was lost); the images carrying a true
trigger are all the poisoned ones.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Box

__all__ = ["carriers", "trigger_mask"]


def carriers(
    images: np.ndarray, box: Box, content: np.ndarray, tolerance: float = 0.25
) -> np.ndarray:
    """The images (n, H, W, C) that carry ``content`` (h, w, C) at ``box``: every pixel of the
    box within ``tolerance`` of it (in every channel)."""
    t, left, h, w = box
    region = images[:, t : t + h, left : left + w, :]
    close = np.abs(region - content[None]) <= tolerance
    out: np.ndarray = images[close.reshape(len(images), -1).all(axis=1)]
    return out


def trigger_mask(
    images: np.ndarray,
    box: Box,
    content: np.ndarray,
    references: np.ndarray,
    *,
    agree: float = 0.9,
    usual: float = 0.75,
    tolerance: float = 0.25,
    least: int = 20,
) -> np.ndarray | None:
    """(H, W) mask of the pixels where at least ``agree`` of the images that carry the trigger
    (``carriers``) hold the same value (within ``tolerance`` of their median, every channel)
    and fewer than ``usual`` of the clean ``references`` (n, H, W, C) hold it; None when fewer
    than ``least`` images carry it."""
    found = carriers(images, box, content, tolerance)
    if len(found) < least:
        return None
    median = np.median(found, axis=0)
    shared = (np.abs(found - median[None]) <= tolerance).all(axis=-1).mean(axis=0) >= agree
    common = (np.abs(references - median[None]) <= tolerance).all(axis=-1).mean(axis=0) >= usual
    out: np.ndarray = shared & ~common
    return out
