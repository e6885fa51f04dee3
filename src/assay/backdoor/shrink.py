"""Coarse to fine: a patch that reaches a class, shrunk while it still does.

The model scan searches each patch size over every position, smallest first, and stops at the
first size reaching the flip rate ``tau``.  A small trigger is one pattern among many at its
own size (a 2x2 checkerboard is one of 16 black/white patterns per position, a 3x3 one of
512), but a larger patch holds it at many positions with as many random contents: at 28x28 a
2x2 and a 3x3 trigger were missed at size 4 and found at size 7 (bench/RESULTS.md), where
they scored no smaller than a clean class's stroke.  Once a patch works, the trigger is in
it: the patch is cut one row and one column at a time, keeping the best of its four corners
while that still reaches ``tau`` on the same images, so the class is scored by the smallest
part that carries the effect.  A trigger keeps its rate down to its own size; a drawn feature
(a stroke) loses it as soon as it loses a piece of itself.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Box, paste
from assay.backdoor.strip import Scorer

__all__ = ["shrink"]


def shrink(
    target: int,
    box: Box,
    content: np.ndarray,
    images: np.ndarray,
    scores: Scorer,
    tau: float,
    rate: float,
) -> tuple[Box, np.ndarray, float]:
    """The smallest square part of a patch (``box``, ``content``) still sending ``tau`` of
    ``images`` to ``target``: each step tries the four parts one pixel smaller on each side
    (the patch's corners; the pixels cut are left as each image has them) and keeps the best
    (flip rate, then mean target probability) while it reaches ``tau``.  Returns the
    part's box, its content and its flip rate on ``images`` (``rate``, the patch's own, when
    no part reaches ``tau``).  One call of four parts' images a step, at most the patch's
    side less one steps."""
    t, left, h, w = box
    while min(h, w) > 1:
        cands = [
            ((t + dy, left + dx, h - 1, w - 1), content[dy : dy + h - 1, dx : dx + w - 1])
            for dy in (0, 1)
            for dx in (0, 1)
        ]
        batch = np.concatenate([paste(images, c, b) for b, c in cands])
        probs = scores(batch).reshape(len(cands), len(images), -1)
        hit = (np.argmax(probs, axis=2) == target).mean(axis=1)
        ranked = [(float(hit[i]), float(probs[i, :, target].mean())) for i in range(len(cands))]
        j = max(range(len(cands)), key=lambda i: ranked[i])
        if ranked[j][0] < tau:
            break
        (t, left, h, w), content = cands[j]
        content = content.copy()
        rate = ranked[j][0]
    return (t, left, h, w), content, rate
