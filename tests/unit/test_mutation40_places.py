"""mutation40: a known trigger's place (``backdoor/places.py``) asked only when it can help.

bd39b's tests held one form towards the target, an image without its pixels, five fills, and a
box clipped at the image's bottom-right edge: a place asked with no fill to make, with two
forms known (the second's images are matched by its pixels), on an image that carries the
form, or a box grown past the top-left edge or by two pixels passed them."""

from __future__ import annotations

import numpy as np
from test_bd39b_places import TARGET, _image, _labels, _references, _stroke_form

from assay.backdoor.patches import Trigger
from assay.backdoor.places import _grown, known_places


def _counted() -> tuple[list[int], object]:
    calls: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return _labels(x)

    return calls, labels


def test_no_fill_to_make_asks_nothing() -> None:
    calls, labels = _counted()
    image = _image(3, trigger=True)
    assert known_places(image, TARGET, labels, [_stroke_form()], _references(), 0) == []  # type: ignore[arg-type]
    assert calls == []


def test_two_forms_towards_the_label_give_no_place_and_ask_nothing() -> None:
    calls, labels = _counted()
    image = _image(3, trigger=True)
    second = Trigger((5, 5, 3, 3), np.ones((3, 3, 1)), TARGET, 0.95, source=12)
    forms = [_stroke_form(), second]
    assert known_places(image, TARGET, labels, forms, _references(), 5) == []  # type: ignore[arg-type]
    assert calls == []
    # (the form alone, as bd39b's test: its place, one query)
    assert known_places(image, TARGET, labels, forms[:1], _references(), 5) == [(5, 4, 3, 4)]  # type: ignore[arg-type]
    assert calls == [1]


def test_an_image_carrying_the_form_s_pixels_is_matched_by_them_not_given_a_place() -> None:
    calls, labels = _counted()
    image = _image(3, trigger=True)
    image[6:8, 5:8, 0] = 0.6  # (the stroke form's pixels, where the trigger was)
    assert known_places(image, TARGET, labels, [_stroke_form()], _references(), 5) == []  # type: ignore[arg-type]
    assert calls == []


def test_a_box_is_grown_by_one_pixel_and_clipped_at_every_edge() -> None:
    assert _grown((3, 3, 2, 2), 8, 8) == (2, 2, 4, 4)  # (in the middle: one on every side)
    assert _grown((0, 0, 2, 3), 8, 8) == (0, 0, 3, 4)  # (the top-left corner: clipped)
    assert _grown((6, 5, 2, 3), 8, 8) == (5, 4, 3, 4)  # (the bottom-right edge: clipped)


def test_the_place_is_refilled_from_the_fills_nearest_references() -> None:
    """The one query is the box refilled by the mean of its ``fills`` nearest contents."""
    from assay.backdoor.repair import mean_fill

    refs = _references()
    refs[:, 6:8, 5:8, 0] = np.random.default_rng(0).random((len(refs), 2, 3))
    asked: list[np.ndarray] = []

    def labels(x: np.ndarray) -> np.ndarray:
        asked.append(x.copy())
        return _labels(x)

    image = _image(3, trigger=True)
    known_places(image, TARGET, labels, [_stroke_form()], refs, 5)  # type: ignore[arg-type]
    (batch,) = asked
    np.testing.assert_array_equal(batch, mean_fill(image, _stroke_form().box, refs, 5))
    assert not np.array_equal(batch, mean_fill(image, _stroke_form().box, refs, 1))


def test_a_place_confirmed_screens_no_window() -> None:
    """Found at its place, the poisoned '3' costs the coarse refills, the place's refill, its
    two confirmations (grown, then tightened) and the correction: no window is screened or
    shrunk after it (51 queries in 9 calls, with windows to spend or none)."""
    from assay.backdoor import inputscan

    refs = _references()
    for windows in (0, 2):
        calls, labels = _counted()
        v = inputscan.assay_scan(
            60,
            _image(3, trigger=True),
            TARGET,
            labels,  # type: ignore[arg-type]
            refs,
            _labels(refs),
            np.random.default_rng(0),
            [_stroke_form()],
            max_trigger=3,
            max_windows=windows,
        )
        assert v.poisoned and v.box == (5, 5, 3, 3)
        assert calls == [9, 1, 5, 5, 10, 5, 5, 10, 1], calls
