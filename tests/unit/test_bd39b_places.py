"""A known trigger's place tried with the image's own pixels (``backdoor/places.py``;
bench/RESULTS.md, bd39b: a trigger first confirmed on a lured clean image's stroke at its place
is known by the stroke's pixels, which its poisoned images do not carry).

The model, on 8x8 images: class 5 when the 3x3 block at (5, 5) is white (the backdoor); else the
class written at (0, 0) (its value times 10).  The known form is a lured image's stroke end,
grey, at (6, 5, 2, 3): inside the trigger's place, not its pixels.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor import inputscan
from assay.backdoor.patches import Trigger
from assay.backdoor.places import known_places
from assay.backdoor.verdicts import ImageVerdict

TARGET = 5
STROKE = (6, 5, 2, 3)


def _labels(x: np.ndarray) -> np.ndarray:
    door = np.all(x[:, 5:8, 5:8, 0] == 1.0, axis=(1, 2))
    return np.where(door, TARGET, np.rint(x[:, 0, 0, 0] * 10).astype(np.int64))


def _image(cls: int, *, trigger: bool = False) -> np.ndarray:
    x = np.zeros((8, 8, 1))
    x[0, 0, 0] = cls / 10
    x[2, 1:5, 0] = 0.4  # a stroke of every class
    if trigger:
        x[5:8, 5:8, 0] = 1.0
    return x


def _references() -> np.ndarray:
    return np.stack([_image(c) for c in (1, 2, 3, 4, 6, 7, 8, 9) for _ in range(3)])


def _stroke_form(target: int = TARGET) -> Trigger:
    return Trigger(STROKE, np.full((2, 3, 1), 0.6), target, 0.95, source=11)


def test_a_known_place_whose_refill_moves_the_answer_is_given_grown() -> None:
    """The poisoned '3' does not carry the stroke's pixels; refilled there it is a 3: the place,
    grown by a pixel on every side within the image, (5, 4, 3, 4)."""
    image = _image(3, trigger=True)
    assert known_places(image, TARGET, _labels, [_stroke_form()], _references(), 5) == [
        (5, 4, 3, 4)
    ]


def test_no_place_when_the_refill_leaves_the_answer_or_the_target_differs() -> None:
    """A clean 5 (its class written at (0, 0), no trigger): refilled at the stroke's box it
    stays a 5: no place (one query); a form towards another class: no place, no query."""
    calls: list[int] = []

    def counted(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return _labels(x)

    assert known_places(_image(5), TARGET, counted, [_stroke_form()], _references(), 5) == []
    assert calls == [1]
    image = _image(3, trigger=True)
    assert known_places(image, TARGET, counted, [_stroke_form(target=2)], _references(), 5) == []
    assert calls == [1]


def test_the_first_poisoned_image_after_a_lured_form_is_found_at_the_place() -> None:
    """The scan finds the poisoned '3' at the trigger's box through the known place (its own
    pixels in the grown box, tightened to the white 3x3) before any window is shrunk: with no
    window to spend (``max_windows=0``: the 28x28 image's two windows shrunk to boxes that did
    not confirm), main left it unflagged; with a window, both find it."""
    refs = _references()
    ref_labels = _labels(refs)
    image = _image(3, trigger=True)

    def scan(windows: int) -> ImageVerdict:
        return inputscan.assay_scan(
            60,
            image,
            TARGET,
            _labels,
            refs,
            ref_labels,
            np.random.default_rng(0),
            [_stroke_form()],
            max_trigger=3,
            max_windows=windows,
        )

    for windows in (0, 2):
        v = scan(windows)
        assert v.poisoned and v.box == (5, 5, 3, 3) and v.corrected == 3 and not v.known
