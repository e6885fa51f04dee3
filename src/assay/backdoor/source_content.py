"""Whether a source-class group's pixels send by a trigger's or by their class's own content.

At a window holding more than half the image (``source_pick.wide``) a group's agreed pixels
can be most of an image of its class ``a``: pasted on a clean image of ``b`` they replace it
by an ``a``, and the model answering ``a`` is right, not triggered.  scan51's 28x28 clean
digits MLP (scikit-learn's digits upsampled): 12 stamped '3's (a checkerboard at the bottom
right; the model answered 3) whose answer the 20x20 window's refill changed agreed there on a
'3''s strokes, the checkerboard and the blank around them (305 of 400 pixels); pasted on
clean '0's they made 8 of 8 '3's, random groups of clean '3's (agreeing on fewer pixels)
none: "NOT CLEAN", exit 1.  A trigger is pixels the clean images of ``a`` do not carry
(attack45b's colour checker on scenes of any class); a class's look is pixels many of them
carry.  So the group's pixels that at least ``OWN_SHARE`` of the clean images of ``a`` carry
(within ``class_map.HOLD``) are pasted alone on the same fresh images (``carried``): when
they send half of them or more to ``a`` (as the group must to be given), the class's own
content does what the group did, and the group is not given (``content_odds``).  The 28x28
group's carried pixels sent 15 of 15 clean '0's to '3' (its four groups at that window 15 of
15 each); the rebuilt 32x32 source-specific CNN's group (the checker and a few scene pixels,
26 of 529; 3 of them carried) sent 0 of 17 clean '3's to '7', its whole pattern 16 (scan51b).
Only the carried pixels are pasted, not the rest: a trigger's cells of the background's colour
are carried too, and a trigger matched whole (bd45's fake trojans) fires on none without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.class_map import HOLD, put
from assay.backdoor.patches import Box
from assay.backdoor.source_pick import wide

__all__ = ["OWN_SHARE", "carried", "content_odds"]

OWN_SHARE = 0.25  # a group's pixel is its class's own when this share of its clean images carry it


def carried(pattern: np.ndarray, own: np.ndarray, box: Box) -> np.ndarray:
    """``pattern`` (an ``agreed`` window, NaN where the group disagreed) less the pixels that
    fewer than ``OWN_SHARE`` of ``own`` (clean images of the group's class) carry at ``box``
    within ``HOLD`` (set to NaN: not pasted)."""
    t, left, h, w = box
    near = (np.abs(own[:, t : t + h, left : left + w] - pattern) <= HOLD).all(axis=-1)
    out = pattern.copy()
    out[near.mean(axis=0) < OWN_SHARE if len(own) else np.ones(near.shape[1:], bool)] = np.nan
    return out


def content_odds(
    row: dict[str, Any],
    answers: Callable[[np.ndarray], np.ndarray],
    pattern: np.ndarray,
    own: np.ndarray,
    fresh: np.ndarray,
    shape: tuple[int, ...],
) -> float:
    """1 (not given) when the group's pixels that the clean images of its class (``own``)
    carry send half of ``fresh`` or more to its class, else 0; 0 without a query at a window
    under half an image of ``shape`` (there the image's own pixels are most of what is
    answered).  Kept in ``row`` as ``carried``: [pixels carried, pixels agreed, sent]."""
    box: Box = tuple(row["box"])  # type: ignore[assignment]
    if not wide(box, shape):
        return 0.0
    theirs = carried(pattern, own, box)
    kept = int((~np.isnan(theirs).any(axis=-1)).sum())
    a = int(row["class"])
    sent = int(np.sum(np.asarray(answers(put(fresh, theirs, box))) == a)) if kept else 0
    row["carried"] = [kept, int((~np.isnan(pattern).any(axis=-1)).sum()), sent]
    return 1.0 if sent * 2 >= len(fresh) else 0.0
