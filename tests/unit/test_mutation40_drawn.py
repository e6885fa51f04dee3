"""mutation40: ``backdoor.drawn.class_draws`` at its edges.

bd39's tests held one scene each way (the class's holders stay when refilled, or leave): no
clean image of the class, every clean image carrying the pattern, holders that split (one
stays, one leaves), and a refill drawn from the holders themselves passed them."""

from __future__ import annotations

import numpy as np
from test_bd39_drawn import TARGET, _form, _image, _labels, _references

from assay.backdoor.drawn import class_draws
from assay.backdoor.patches import trigger_present
from assay.backdoor.repair import mean_fill


def _counted(calls: list[np.ndarray]) -> object:
    inner = _labels()

    def labels(x: np.ndarray) -> np.ndarray:
        calls.append(x.copy())
        return inner(x)  # type: ignore[operator,no-any-return]

    return labels


def test_no_clean_image_of_the_class_draws_nothing_and_asks_nothing() -> None:
    """(A clean image of another class carrying the pattern is not the class's.)"""
    refs, ref_labels = _references(holders_own=True)
    others = np.concatenate([refs[ref_labels != TARGET], _image(2, corner=True)[None]])
    other_labels = np.concatenate([ref_labels[ref_labels != TARGET], [2]])
    calls: list[np.ndarray] = []
    drawn = class_draws(_form(), TARGET, _counted(calls), others, other_labels)  # type: ignore[arg-type]
    assert drawn is False and calls == []


def test_a_pattern_every_clean_image_carries_is_the_class_s_and_asks_nothing() -> None:
    refs = np.stack([_image(0, stroke=True, corner=True) for _ in range(4)])
    calls: list[np.ndarray] = []
    labels = _counted(calls)
    assert class_draws(_form(), TARGET, labels, refs, np.full(4, TARGET)) is True  # type: ignore[arg-type]
    assert calls == []


def test_holders_that_split_are_not_the_class_s_own() -> None:
    """Two holders of the corner in class 5: one drawn with the stroke (stays refilled), one
    put there by the corner alone (leaves): the class does not draw it."""
    refs, ref_labels = _references(holders_own=True)
    mixed = np.concatenate([refs, _image(3, corner=True)[None]])
    mixed_labels = np.concatenate([ref_labels, [TARGET]])
    assert class_draws(_form(), TARGET, _labels(), refs, ref_labels) is True  # type: ignore[arg-type]
    assert class_draws(_form(), TARGET, _labels(), mixed, mixed_labels) is False  # type: ignore[arg-type]


def test_the_holders_are_refilled_from_the_references_without_the_pattern() -> None:
    refs, ref_labels = _references(holders_own=True)
    refs[:, 0:2, 0:2, 0] = np.where(
        trigger_present(refs, _form(), masked=False)[:, None, None], 1.0, 0.3
    )
    calls: list[np.ndarray] = []
    class_draws(_form(), TARGET, _counted(calls), refs, ref_labels)  # type: ignore[arg-type]
    (batch,) = calls
    holders = refs[(ref_labels == TARGET) & trigger_present(refs, _form(), masked=False)]
    others = refs[~trigger_present(refs, _form(), masked=False)]
    want = np.concatenate([mean_fill(img, _form().box, others) for img in holders])
    np.testing.assert_array_equal(batch, want)


def test_the_scan_hands_the_clean_labels_to_the_known_trigger_check() -> None:
    """bd39's test asks ``check_known`` itself: through ``assay_scan`` (the scan's path) the
    class's own look-alike is not flagged by the form's pixels either (the scan's windows may
    still find its own stroke: this model fires on that pixel as on the corner)."""
    from assay.backdoor.inputscan import assay_scan

    refs, ref_labels = _references(holders_own=True)
    image = _image(0, stroke=True, corner=True)
    v = assay_scan(
        0, image, TARGET, _labels(), refs, ref_labels, np.random.default_rng(0), [_form()]  # type: ignore[arg-type]
    )  # fmt: skip
    assert not v.known and v.box != _form().box, v
