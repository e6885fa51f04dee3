"""stuck37: ``backdoor.across`` asks a candidate confirmed on clean images of one class of the
images scanned that the model puts in a third class (the image itself, and carriers of a
known trigger, left out); not asked with clean images of several classes or too few
stand-ins."""

from __future__ import annotations

import numpy as np

from assay.backdoor.across import MIN_STANDINS, STANDINS, across_classes
from assay.backdoor.patches import Trigger


def _bright_box(x: np.ndarray) -> np.ndarray:
    """Class 2 when the top-left 2x2 is white, else the image's own class (row sum)."""
    white = x[:, :2, :2, 0].mean(axis=(1, 2)) > 0.99
    own = (x[:, 4:, :, 0].mean(axis=(1, 2)) * 2).astype(np.int64) % 2
    return np.where(white, 2, own + 3)


def test_the_stand_ins_and_when_they_are_asked() -> None:
    rng = np.random.default_rng(0)
    scanned = rng.random((40, 8, 8, 1)) * 0.9
    scanned_labels = _bright_box(scanned)
    image = scanned[0].copy()
    image[:2, :2] = 1.0
    asked: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return _bright_box(x)

    one = np.full(12, 9)  # (the clean images: all class 9)
    rate = across_classes(image, (0, 0, 2, 2), 2, labels, one, 0, scanned, scanned_labels)
    assert rate == 1.0 and asked == [min(STANDINS, int(np.sum(scanned_labels[1:] != 9)))]
    # a box that is no trigger sends none of them
    assert across_classes(image, (4, 4, 2, 2), 2, labels, one, 0, scanned, scanned_labels) == 0
    # clean images of two classes: not asked
    two = np.asarray([9] * 6 + [4] * 6)
    assert across_classes(image, (0, 0, 2, 2), 2, labels, two, 0, scanned, scanned_labels) is None
    # images carrying the known trigger are no stand-ins
    trig = Trigger((0, 0, 2, 2), np.ones((2, 2, 1)), 2, 1.0, 0)
    carriers = scanned.copy()
    carriers[1 : 40 - MIN_STANDINS + 2, :2, :2] = 1.0
    got = across_classes(
        image, (0, 0, 2, 2), 2, labels, one, 0, carriers, _bright_box(carriers), [trig]
    )
    assert got is None  # (fewer than MIN_STANDINS left)
