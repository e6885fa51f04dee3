"""A known trigger matched on its mask (``inputscan.check_known``, mutation39): only when no
trigger matches on its whole box, only a trigger of the image's class, and only when blocking
it changes the prediction (its pixels alone never decide it); and the filter gives an input
carrying two triggers' boxes to the first."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_bd38b_masks import PLUS, SPEC, _Model

from assay.backdoor.filter import TriggerFilter
from assay.backdoor.inputscan import check_known
from assay.backdoor.patches import Trigger

TARGET = 3


def _plus_form(target: int = TARGET) -> Trigger:
    """A white plus in a 3x3 box at (2, 2) whose corners were 0.8 in the image it was found
    in, masked to its five pixels."""
    content = np.full((3, 3, 1), 0.8)
    content[PLUS] = 1.0
    return Trigger(box=(2, 2, 3, 3), content=content, target=target, flip_rate=1.0, source=0,
                   mask=PLUS.copy())  # fmt: skip


def _carrier() -> np.ndarray:
    """An 8x8 image with the plus, its box's corners 0.0 (not the form's 0.8: only the mask
    matches)."""
    image = np.zeros((8, 8, 1))
    image[2:5, 2:5, 0][PLUS] = 1.0
    return image


def _plus_model(x: np.ndarray) -> np.ndarray:
    """TARGET while the plus is there, else 0."""
    x = np.asarray(x)
    return np.where(x[:, 3, 3, 0] > 0.9, TARGET, 0)


def test_a_mask_match_is_taken_when_blocking_changes_the_prediction() -> None:
    v = check_known(0, _carrier(), TARGET, _plus_model, [_plus_form()])
    assert v is not None and v.poisoned and v.known


def test_a_mask_match_is_not_taken_on_its_pixels_alone() -> None:
    """Blocked, still TARGET: the whole box's exact pixels would decide it; a mask's few
    pixels do not (they may be the image's strokes)."""
    v = check_known(0, _carrier(), TARGET, lambda x: np.full(len(x), TARGET), [_plus_form()])
    assert v is None or not v.poisoned


def test_a_masked_trigger_of_another_class_is_not_matched() -> None:
    v = check_known(0, _carrier(), TARGET, _plus_model, [_plus_form(target=5)])
    assert v is None


def test_masks_are_read_only_when_no_whole_box_matches() -> None:
    """The image carries a square trigger's whole box and the plus's mask: one query (the
    square blocked), not two."""
    image = _carrier()
    image[5:7, 5:7, 0] = 1.0
    square = Trigger(box=(5, 5, 2, 2), content=np.ones((2, 2, 1)), target=TARGET,
                     flip_rate=1.0, source=1)  # fmt: skip
    asked: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return np.zeros(len(x), dtype=int)

    v = check_known(0, image, TARGET, labels, [_plus_form(), square])
    assert v is not None and v.poisoned
    assert sum(asked) == 1, asked


def test_an_input_with_two_triggers_boxes_is_the_first_ones() -> None:
    whole = replace(_plus_form(), mask=None, content=_carrier()[2:5, 2:5, :].copy())
    other = replace(whole, target=4)
    carriers = TriggerFilter(_Model(), SPEC, [whole, other]).carriers(_carrier()[None])
    assert carriers.tolist() == [0]


def test_a_masked_form_matches_another_form_on_its_whole_box() -> None:
    """``Trigger.matches`` (is a newly confirmed form new?) reads the whole box: the plus with
    other corners is another form to keep, though it carries the mask's pixels."""
    form = _plus_form()
    assert form.matches(form.content)
    assert not form.matches(_carrier()[2:5, 2:5, :])


def test_a_form_found_after_the_image_is_asked_of_it_again() -> None:
    """``recheck.later_matchers``: a form first found on a later image, without a mask, is
    one the image was never matched against (the masked ones beside it)."""
    from assay.backdoor.recheck import later_matchers

    later = replace(_plus_form(), mask=None, source=7)
    earlier = replace(later, source=2)
    assert later_matchers([(0, earlier), (1, later)], 5) == [(1, later)]
