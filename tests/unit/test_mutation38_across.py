"""mutation38: the input scan's ``across`` gate (stuck37) at its threshold.  A trigger confirmed
on clean images of one class must send ``ACROSS_RATE`` (70 %) of the images scanned of a third
class to its target: one that sends 80 % or exactly 70 % of them is a trigger (a real one need
not move every image: under the mutants 0.95 and ``>``, missed: a false pass), one that sends
65 % is not (AC2, IS1 and the gate itself in bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

import numpy as np
import pytest

from assay.backdoor.across import ACROSS_RATE
from assay.backdoor.inputscan import assay_scan


def _model(x: np.ndarray) -> np.ndarray:
    """Class 2 when the top-left 2x2 is white, unless the bottom rows are bright (those
    images resist the trigger); else 9 (dark middle rows) or 3."""
    x = np.asarray(x)
    white = x[:, :2, :2, 0].mean(axis=(1, 2)) > 0.99
    resistant = x[:, 6:, :, 0].mean(axis=(1, 2)) > 0.5
    own = np.where(x[:, 4:6, :, 0].mean(axis=(1, 2)) < 0.2, 9, 3)
    return np.where(white & ~resistant, 2, own)


@pytest.mark.parametrize(("resistant", "found"), [(4, True), (6, True), (7, False)])
def test_a_trigger_moving_most_stand_ins_is_confirmed(resistant: int, found: bool) -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((30, 8, 8, 1)) * 0.1  # (all class 9: one clean class)
    scanned = rng.random((21, 8, 8, 1)) * 0.1
    scanned[1:, 4:6] = 0.6  # 20 stand-ins of class 3
    scanned[1 : 1 + resistant, 6:] = 0.9
    scanned[0, :2, :2] = 1.0  # the image scanned: the trigger on it
    labels = _model(scanned)
    assert labels.tolist() == [2] + [3] * 20 and set(_model(clean)) == {9}
    verdict = assay_scan(
        0, scanned[0], 2, _model, clean, _model(clean), np.random.default_rng(1),
        scanned=scanned, scanned_labels=labels,
    )  # fmt: skip
    rate = (20 - resistant) / 20
    assert verdict.extra is not None and verdict.extra["across"] == pytest.approx(rate)
    assert (rate >= ACROSS_RATE) is found
    assert verdict.poisoned is found, verdict
    if found:
        assert verdict.box == (0, 0, 2, 2)


@pytest.mark.parametrize(("standins", "asked"), [(4, False), (5, True)])
def test_five_stand_ins_are_enough_four_are_not(standins: int, asked: bool) -> None:
    """AC3, AC4: the check needs five stand-ins (``MIN_STANDINS``, written out here: the
    module's test reads the constant, so it moved with the mutants)."""
    from assay.backdoor.across import across_classes

    rng = np.random.default_rng(0)
    scanned = rng.random((1 + standins, 8, 8, 1)) * 0.1
    scanned[1:, 4:6] = 0.6
    scanned[0, :2, :2] = 1.0
    rate = across_classes(
        scanned[0], (0, 0, 2, 2), 2, _model, np.full(10, 9), 0, scanned, _model(scanned)
    )
    assert rate == (1.0 if asked else None)


def test_images_of_the_target_class_stand_in_for_nothing() -> None:
    """AC8: images scanned that the model already puts in the candidate's target are no
    stand-ins (pasting on them sends them nowhere new): a box that moves none of the third
    class's images sends 0 %, however many target images were scanned (under the mutant
    those counted as sent, 10 of 15)."""
    from assay.backdoor.across import across_classes

    rng = np.random.default_rng(0)
    scanned = rng.random((16, 8, 8, 1)) * 0.1
    scanned[1:6, 4:6] = 0.6  # five of class 3 ...
    scanned[1:6, 6:] = 0.9  # ... that resist the box
    scanned[6:, :2, :2] = 1.0  # ten of the target class 2
    scanned[0, :2, :2] = 1.0
    labels = _model(scanned)
    assert labels.tolist() == [2] + [3] * 5 + [2] * 10
    rate = across_classes(scanned[0], (0, 0, 2, 2), 2, _model, np.full(10, 9), 0, scanned, labels)
    assert rate == 0.0


def test_the_clean_class_and_unlabelled_images_stand_in_for_nothing() -> None:
    """AC7, AC9: the stand-ins are of a third class: not the clean images' own class (the box
    was confirmed on it already: under the mutant its images scanned counted as sent), nor
    images the scan never labelled (-1: a campaign unit's others)."""
    from assay.backdoor.across import across_classes

    rng = np.random.default_rng(0)
    scanned = rng.random((16, 8, 8, 1)) * 0.1  # 1-10: dark, class 9 (the clean class)
    scanned[11:, 4:6] = 0.6  # five of class 3 ...
    scanned[11:, 6:] = 0.9  # ... that resist the box
    scanned[0, :2, :2] = 1.0
    labels = _model(scanned)
    assert labels.tolist() == [2] + [9] * 10 + [3] * 5
    rate = across_classes(scanned[0], (0, 0, 2, 2), 2, _model, np.full(10, 9), 0, scanned, labels)
    assert rate == 0.0
    unlabelled = labels.copy()
    unlabelled[11:] = -1  # (the five resisting images: never labelled, and no others)
    got = across_classes(
        scanned[0], (0, 0, 2, 2), 2, _model, np.full(10, 9), 0, scanned, unlabelled
    )
    assert got is None


def test_carriers_of_a_trigger_found_stand_in_for_nothing() -> None:
    """AC11: images carrying a trigger already confirmed (to another class: they are in a
    third class, and stay in it whatever is pasted) are left out; under the mutant ten such
    carriers brought a real trigger's 100 % down to a third."""
    from assay.backdoor.across import across_classes
    from assay.backdoor.patches import Trigger

    def model(x: np.ndarray) -> np.ndarray:
        corner = np.asarray(x)[:, 6:, 6:, 0].mean(axis=(1, 2)) > 0.99
        return np.where(corner, 5, _model(x))

    rng = np.random.default_rng(0)
    scanned = rng.random((16, 8, 8, 1)) * 0.1
    scanned[1:, 4:6] = 0.6  # class 3 ...
    scanned[6:, 6:, 6:] = 1.0  # ... ten of them carrying the trigger to class 5
    scanned[0, :2, :2] = 1.0
    labels = model(scanned)
    assert labels.tolist() == [2] + [3] * 5 + [5] * 10
    known = [Trigger((6, 6, 2, 2), np.ones((2, 2, 1)), 5, 1.0, 0)]
    rate = across_classes(
        scanned[0], (0, 0, 2, 2), 2, model, np.full(10, 9), 0, scanned, labels, known
    )
    assert rate == 1.0
