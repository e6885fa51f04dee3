"""mutation53: hostile52b's image forms (``backdoor.array_forms``) at the edges its own
tests left open (a surviving mutant named by each test)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.array_forms import eight_bit_fix, not_images


def test_items_of_an_image_and_a_one_hot_label_are_not_said_as_image_label_pairs() -> None:
    # J2 (``_pairs`` without ``np.ndim(first[1]) == 0``): a list of (image, one-hot vector)
    # was told "(image, label) pairs ... labels=[y for _, y in ds]", a label per image
    items = [(np.zeros((8, 8)), np.eye(10)[i % 10]) for i in range(4)]
    said = str(not_images(items, "images"))
    assert "(image, label) pairs" not in said, said
    assert "no array of images" in said
    pairs = [(np.zeros((8, 8)), i % 10) for i in range(4)]
    assert "(image, label) pairs" in str(not_images(pairs, "images"))


def test_whole_values_up_to_one_are_not_told_to_be_8_bit_pixels() -> None:
    # J3 (``hi <= 1`` -> ``hi < 1``): a 0/1 int array (a mask, a binarised image) for a
    # model taking 0..1 is its own values, not 8-bit pixels to divide by 255
    ones = np.array([[0, 1], [1, 0]], dtype=np.int64)
    assert eight_bit_fix(ones, "linear", (0.0, 1.0)) is None
    twos = np.array([[0, 2], [1, 0]], dtype=np.int64)
    said = eight_bit_fix(twos, "linear", (0.0, 1.0))
    assert said is not None and said.startswith("an int64 array of whole values 0..255")


def test_fractional_values_are_not_told_to_be_8_bit_pixels() -> None:
    # J6 (``whole`` always): float values with fractions (a model's own 0..255 floats,
    # 12.5) were told "whole values 0..255 (8-bit pixels?)"
    halves = np.array([[0.0, 12.5], [200.25, 3.0]])
    assert eight_bit_fix(halves, "linear", (0.0, 1.0)) is None
    whole = np.array([[0.0, 12.0], [200.0, 3.0]])
    said = eight_bit_fix(whole, "linear", (0.0, 1.0))
    assert said is not None and said.startswith("a float64 array of whole values 0..255")


def test_a_strip_scan_of_a_one_class_model_is_told_its_inputs() -> None:
    # J8 (the STRIP site's ``+ ONE_CLASS_INPUTS`` dropped): hostile52b's test reaches the
    # model scan's words and STRIP's from another check, never this one
    from types import SimpleNamespace

    from assay.backdoor.summary import _strip_cannot_flag

    search = SimpleNamespace(
        test=SimpleNamespace(strategy="strip", mode="inputs"),
        threshold=0.1,
        rows=[],
        clean_labels=np.zeros(10, dtype=int),
        clean_entropy=np.ones(10),
    )
    said = _strip_cannot_flag(search, {"tested": True})
    assert said is not None and "STRIP blends images with them" in said, said
    assert said.endswith("value range it was trained on (--input-shape, --layout, --range)")
