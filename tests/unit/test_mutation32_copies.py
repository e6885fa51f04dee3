"""mutation32: the natural-feature check's copies (``inputscan.copies``, ``_pasted_in``: bd31)
against the mutants its tests let live (bench/RESULTS.md, mutation32's table): a clean image
matching a box's background but not its marked pixels is no copy, and copies with no clean
image left to refill the box from prove nothing (their sources are kept)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.inputscan import _pasted_in, copies

BOX = (0, 0, 3, 3)


def test_a_box_s_background_alone_matched_is_no_copy() -> None:
    """Seven of nine pixels are the image's background (0), two are marked (1): a clean image
    of background there matches 7 of 9 (over 3/4) and none of the marked pixels: no copy; one
    holding the marked pixels too is (mutant P6: the marked half dropped)."""
    image = np.zeros((6, 6, 1))
    image[0, 0, 0] = image[2, 2, 0] = 1.0
    blank = np.zeros((6, 6, 1))
    assert copies(np.stack([blank, image]), image, BOX).tolist() == [False, True]


def test_copies_with_nothing_to_refill_from_prove_nothing() -> None:
    """Every clean image holds the box's pixels: no other image refills it, so nothing shows
    the pixels were pasted (mutant P8: taken as proof, the copies' sources dropped)."""
    image = np.zeros((6, 6, 1))
    image[:3, :3, 0] = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    verify = np.repeat(image[None], 4, axis=0)
    calls: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return np.zeros(len(x), dtype=np.int64)  # (any other class: "pasted")

    assert not _pasted_in(verify, BOX, 7, labels, verify, image)
    assert calls == []  # (nothing asked)
