"""The corrected label of a poisoned image: its prediction with the trigger's region refilled.

Blocking a trigger with the image's dominant colour also hides whatever part of the object it
covered (on 8x8 digits a 4x4 trigger covers a quarter of the digit).  Instead the region is
refilled from the clean reference images whose pixels *outside* the region are closest to the
image's (a nearest-neighbour inpainting: their content in the region most likely continues the
strokes the image has around it), and the model's answers on ``k`` such fills are put to a
majority vote (ties: the nearest fill's answer first).  No query is spent choosing the fills.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Box, paste

__all__ = ["nearest_fills", "vote"]


def nearest_fills(image: np.ndarray, box: Box, references: np.ndarray, k: int = 5) -> np.ndarray:
    """``k`` copies of ``image`` (H, W, C) with ``box`` filled from the ``k`` references
    (n, H, W, C) nearest to it outside the box (squared distance), nearest first."""
    t, left, h, w = box
    outside = np.ones(image.shape[:2], dtype=bool)
    outside[t : t + h, left : left + w] = False
    diff = (references - image[None])[:, outside, :]
    dist = (diff**2).reshape(len(references), -1).sum(axis=1)
    nearest = np.argsort(dist, kind="stable")[: max(1, k)]
    return np.stack(
        [paste(image[None], references[j][t : t + h, left : left + w, :], box)[0] for j in nearest]
    )


def vote(labels: np.ndarray) -> int:
    """The most frequent label; ties go to the one that comes first (the nearest fill's)."""
    values = [int(v) for v in labels]
    return max(values, key=lambda v: (values.count(v), -values.index(v)))
