"""The corrected label's wider refill takes in a trigger's pixel diagonal to the box found
(branch bd29): on the 32x32 digits CNNs a 2x2 checkerboard was found as its one white pixel,
refilling that pixel left the other white one firing, and the corrected label was the
trigger's target (8 of 600 detections)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.inputscan import _extend


def _references() -> np.ndarray:
    """Clean 8x8 images: black with a blob of ink in the middle."""
    rng = np.random.default_rng(0)
    refs = np.zeros((20, 8, 8, 1))
    refs[:, 3:5, 3:5, 0] = rng.uniform(0.6, 0.9, (20, 2, 2))
    return refs


def _image() -> np.ndarray:
    image = np.zeros((8, 8, 1))
    image[3:5, 3:5, 0] = 0.75
    return image


def test_a_pixel_diagonal_to_the_box_grows_both_sides_it_touches() -> None:
    image = _image()
    image[0, 0, 0] = image[1, 1, 0] = 1.0  # a 2x2 checkerboard at the corner
    assert _extend(image, (1, 1, 1, 1), _references()) == (0, 0, 2, 2)
    image = _image()
    image[6, 6, 0] = image[7, 7, 0] = 1.0  # at the opposite corner, found as its first pixel
    assert _extend(image, (6, 6, 1, 1), _references()) == (6, 6, 2, 2)


def test_a_box_with_nothing_odd_around_it_is_kept() -> None:
    image = _image()
    image[1, 1, 0] = 1.0
    assert _extend(image, (1, 1, 1, 1), _references()) == (1, 1, 1, 1)
