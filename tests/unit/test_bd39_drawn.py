"""A known trigger's pixels alone do not flag an image of its class when clean images of the
class carry them as their own (``backdoor/drawn.py``; bench/RESULTS.md, bd39: on the 28x28
quick bench a form confirmed on a clean '2' whose bright stroke end fires the backdoor matched
two clean '1's by their base stroke, and main flagged them).

The model, on 6x6 images: class 5 when the pixel (5, 5) is white (the class's own stroke) or
when the 2x2 top-left corner is white (the backdoor); else the class written at (3, 3)
(its value times 10).  A form of the trigger is the white corner.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.drawn import class_draws
from assay.backdoor.inputscan import check_known
from assay.backdoor.patches import Trigger
from assay.backdoor.recheck import recheck

TARGET = 5
CORNER = (0, 0, 2, 2)


def _labels(calls: list[int] | None = None) -> object:
    def labels(x: np.ndarray) -> np.ndarray:
        if calls is not None:
            calls.append(len(x))
        own = x[:, 5, 5, 0] == 1.0
        door = np.all(x[:, :2, :2, 0] == 1.0, axis=(1, 2))
        rest = np.rint(x[:, 3, 3, 0] * 10).astype(np.int64)
        return np.where(own | door, TARGET, rest)

    return labels


def _image(cls: int, *, stroke: bool = False, corner: bool = False) -> np.ndarray:
    x = np.zeros((6, 6, 1))
    x[3, 3, 0] = cls / 10
    x[2, 1:4, 0] = 0.4  # a stroke of every class, away from the corner
    if stroke:
        x[5, 5, 0] = 1.0
    if corner:
        x[:2, :2, 0] = 1.0
    return x


def _form() -> Trigger:
    return Trigger(CORNER, np.ones((2, 2, 1)), TARGET, 0.9, source=7)


def _references(*, holders_own: bool) -> tuple[np.ndarray, np.ndarray]:
    """Clean images of classes 1-4 (corner dark) and of class 5: two drawn with the stroke
    and a dark corner, two holding the white corner, with the stroke (``holders_own``: the
    class draws the corner) or without it (in class 5 because of the corner: pasted)."""
    images = [_image(c) for c in (1, 2, 3, 4, 1, 2, 3, 4)]
    images += [_image(0, stroke=True), _image(0, stroke=True)]
    images += [_image(c, stroke=holders_own, corner=True) for c in (1, 2)]
    x = np.stack(images)
    labels = _labels()(x)  # type: ignore[operator]
    return x, labels


def test_a_class_s_own_look_alike_of_a_trigger_is_not_flagged_by_its_pixels() -> None:
    """A clean image of class 5 drawn with the white corner (its stroke makes it a 5; blocked,
    it stays a 5): main flagged it by the form's pixels alone."""
    refs, ref_labels = _references(holders_own=True)
    image = _image(0, stroke=True, corner=True)
    v = check_known(
        0, image, TARGET, _labels(), [_form()], refs, reference_labels=ref_labels  # type: ignore[arg-type]
    )  # fmt: skip
    assert v is None


def test_a_pasted_trigger_s_pixels_still_decide() -> None:
    """The clean images of class 5 that hold the corner leave the class with it refilled (they
    were put there by it): the pixels decide, as before."""
    refs, ref_labels = _references(holders_own=False)
    image = _image(0, stroke=True, corner=True)
    v = check_known(
        0, image, TARGET, _labels(), [_form()], refs, reference_labels=ref_labels  # type: ignore[arg-type]
    )  # fmt: skip
    assert v is not None and v.poisoned and v.known


def test_no_clean_image_of_the_class_holds_the_pattern_no_query_spent() -> None:
    refs, ref_labels = _references(holders_own=True)
    keep = ~np.all(refs[:, :2, :2, 0] == 1.0, axis=(1, 2))
    calls: list[int] = []
    assert not class_draws(_form(), TARGET, _labels(calls), refs[keep], ref_labels[keep])  # type: ignore[arg-type]
    assert calls == []
    v = check_known(
        0, _image(0, stroke=True, corner=True), TARGET, _labels(), [_form()], refs[keep],  # type: ignore[arg-type]
        reference_labels=ref_labels[keep],
    )  # fmt: skip
    assert v is not None and v.poisoned


def test_the_recheck_hands_the_clean_labels_on() -> None:
    """An image scanned before the form was confirmed (its source, image 7, came later) is not
    flagged by the recheck either; without the clean images' labels it was (main's answer)."""
    refs, ref_labels = _references(holders_own=True)
    images = np.stack([_image(0, stroke=True, corner=True)] * 8)
    rows = [{"image": 0, "prediction": TARGET, "poisoned": False, "status": "done", "queries": 9}]
    spent = [0]

    def labels(x: np.ndarray) -> np.ndarray:
        spent[0] += len(x)
        return _labels()(x)  # type: ignore[operator,no-any-return]

    args = (rows, [(0, _form())], images, refs, labels, None, 4, lambda: spent[0])
    assert recheck(*args, ref_labels) == []
    assert len(recheck(*args)) == 1
