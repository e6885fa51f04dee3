"""The images set aside as carriers of a known trigger (the across check's stand-ins, the
natural-feature check's pool) are those carrying its whole box: a masked plus's five pixels
alone, with other strokes in its box's corners, do not set an image aside (mutation39)."""

from __future__ import annotations

import numpy as np
from test_mutation38_across import _model

from assay.backdoor.across import across_classes
from assay.backdoor.inputscan import natural_pool
from assay.backdoor.patches import Trigger

PLUS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)


def _known() -> Trigger:
    """A plus in the box (0, 5, 3, 3), its corners 0.8 where it was found, masked."""
    content = np.full((3, 3, 1), 0.8)
    content[PLUS] = 1.0
    return Trigger(box=(0, 5, 3, 3), content=content, target=2, flip_rate=1.0, source=0,
                   mask=PLUS.copy())  # fmt: skip


def _scanned() -> np.ndarray:
    """The image scanned (the candidate at (0, 0, 2, 2)) and five stand-ins of class 3, two
    of them with the plus's pixels (their corners dark: not its whole box)."""
    rng = np.random.default_rng(0)
    scanned = rng.random((6, 8, 8, 1)) * 0.1
    scanned[1:, 4:6] = 0.6
    scanned[0, :2, :2] = 1.0
    for i in (1, 2):
        scanned[i, 0:3, 5:8, 0][PLUS] = 1.0
    return scanned


def test_the_across_check_keeps_stand_ins_carrying_a_masks_pixels_only() -> None:
    scanned = _scanned()
    labels = _model(scanned)
    assert labels.tolist() == [2, 3, 3, 3, 3, 3]
    rate = across_classes(scanned[0], (0, 0, 2, 2), 2, _model, np.full(10, 9), 0, scanned,
                          labels, known=[_known()])  # fmt: skip
    assert rate == 1.0  # (five stand-ins: asked; four would not be)


def test_the_natural_pool_keeps_images_carrying_a_masks_pixels_only() -> None:
    scanned = _scanned()
    labels = np.array([2, 3, 3, 3, 3, 3])
    verify = np.zeros((1, 8, 8, 1))
    pool, pool_labels = natural_pool(verify, np.array([9]), 3, 0, scanned, labels,
                                     known=[_known()])  # fmt: skip
    assert len(pool) == 6 and pool_labels.tolist() == [9, 3, 3, 3, 3, 3]
