"""A known trigger the colour of the image's background: blocking its box with the image's
most frequent colour leaves it in place, so the refill of its box decides (``inputscan.
check_known``; bench/RESULTS.md, bd39b: on the 8x8 quick bench the 4x4 white trigger on a
digit whose most frequent colour is white was searched afresh on 20 of 59 images after it was
known, 27-75 queries each, instead of being matched).

The model, on 6x6 images: class 5 when the 2x2 top-left corner is white (the backdoor) or
when the pixel (5, 5) is white (the class's own stroke); else the class written at (3, 3)
(its value times 10).
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.inputscan import check_known
from assay.backdoor.patches import Trigger

TARGET = 5


def _labels(x: np.ndarray) -> np.ndarray:
    door = np.all(x[:, :2, :2, 0] == 1.0, axis=(1, 2))
    own = x[:, 5, 5, 0] == 1.0
    return np.where(door | own, TARGET, np.rint(x[:, 3, 3, 0] * 10).astype(np.int64))


def _image(cls: int, *, white: bool, corner: bool = False, stroke: bool = False) -> np.ndarray:
    """A digit of class ``cls``; ``white``: most of it white ink (the most frequent colour)."""
    x = np.zeros((6, 6, 1))
    if white:
        x[2:, :5, 0] = 1.0  # 20 of 36 pixels
    x[3, 3, 0] = cls / 10
    if corner:
        x[:2, :2, 0] = 1.0
    if stroke:
        x[5, 5, 0] = 1.0
    return x


def _references() -> np.ndarray:
    return np.stack([_image(c, white=w) for c in (1, 2, 3, 4) for w in (False, True)])


def _form() -> Trigger:
    return Trigger((0, 0, 2, 2), np.ones((2, 2, 1)), TARGET, 0.95, source=7)


def test_a_white_trigger_on_a_mostly_white_image_is_matched_by_its_refill() -> None:
    """A '3' with the white corner, mostly white: blocked with white, it stays a 5; refilled
    from the clean references (dark corners), a 3.  Main: not matched (searched afresh)."""
    image = _image(3, white=True, corner=True)
    assert _labels(image[None])[0] == TARGET
    v = check_known(0, image, TARGET, _labels, [_form()], _references())
    assert v is not None and v.known and v.box == (0, 0, 2, 2) and v.corrected == 3


def test_a_white_corner_the_class_draws_is_not_matched_when_the_refill_leaves_it() -> None:
    """A clean 5 (its own stroke) with the white corner, mostly white: the refill leaves it a
    5, so nothing shows the corner decides: not matched."""
    image = _image(0, white=True, corner=True, stroke=True)
    assert check_known(0, image, TARGET, _labels, [_form()], _references()) is None


def test_on_a_dark_image_blocking_decides_as_before() -> None:
    """The same '3' on a dark background: blocking with black moves it (as on main)."""
    image = _image(3, white=False, corner=True)
    v = check_known(0, image, TARGET, _labels, [_form()], _references())
    assert v is not None and v.corrected == 3
