"""A known trigger's place, tried with the image's own pixels.

A trigger first confirmed on a clean image whose own stroke fires the backdoor at its place (a
"lured" image: a clean 28x28 '2' whose stroke end sits where the random trigger does) is known
by that stroke's pixels, which its poisoned images do not carry: every one of them was searched
afresh until a poisoned image was (bench/RESULTS.md, bd39b: 421 and 525 queries on the first
poisoned images of the 28x28 3x3 and 4x4 random triggers).  Its place is still right: an image
whose answer the refill of a trigger's only known form's box moves has its own pixels tried
there, the box grown by a pixel on every side (the stroke's box may hold only part of the
trigger), before the
scan's windows (``inputscan.assay_scan``, which takes a place only tightened to a trigger's size
and confirmed so: the grown box holds the image's own strokes too).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.backdoor.patches import Box, Trigger, trigger_present
from assay.backdoor.repair import mean_fill
from assay.backdoor.verdicts import Labeler

__all__ = ["known_places"]


def known_places(
    image: np.ndarray,
    label: int,
    labels: Labeler,
    known: Sequence[Trigger],
    references: np.ndarray,
    fills: int,
) -> list[Box]:
    """The box of the one known form towards ``label``, when ``image`` (H, W, C) does not carry
    its pixels and its refill from ``references`` moves the answer, grown by a pixel on every
    side within the image (one query); none when no form or more than one is towards ``label``
    (a trigger found again with its own pixels has its images matched by them: the place is for
    a trigger known by one form only) or no refill is asked."""
    if fills <= 0 or not len(references):
        return []
    mine = [t for t in known if t.target == label]
    if len(mine) != 1 or bool(trigger_present(image[None], mine[0], masked=False)[0]):
        return []  # (a second form found, its images are matched by it)
    boxes = [mine[0].box]
    answers = labels(np.concatenate([mean_fill(image, b, references, fills) for b in boxes]))
    h, w = image.shape[:2]
    return [_grown(b, h, w) for b, a in zip(boxes, answers, strict=True) if int(a) != label]


def _grown(box: Box, height: int, width: int) -> Box:
    t, left, h, w = box
    top, lo = max(0, t - 1), max(0, left - 1)
    return (top, lo, min(height, t + h + 1) - top, min(width, left + w + 1) - lo)
