"""scan49b: a model scan's suspect says where its patch acts against the clean images given
(``carried``): a patch on pixels the clean images never take its values at gets the words
"a planted trigger, or a shortcut learnt from rare training images"; one on pixels they
commonly carry does not."""

from __future__ import annotations

import numpy as np

from assay.backdoor.carried import RARE_CARRY, carried, carry_words
from assay.backdoor.modelscan import ClassScan


def _clean(n: int = 200) -> np.ndarray:
    """Images black at the border, inked (0.8) in a 4x4 middle in most of them."""
    rng = np.random.default_rng(0)
    x = np.zeros((n, 8, 8, 1))
    x[:, 2:6, 2:6, 0] = np.where(rng.random((n, 4, 4)) < 0.8, 0.8, 0.0)
    return x


def test_a_patch_on_pixels_the_clean_images_never_ink_is_carried_by_none() -> None:
    white = np.ones((2, 2, 1))
    carry = carried(_clean(), (0, 0, 2, 2), white, [(0, 0), (1, 0)])
    assert carry == {"pixels": [[0, 0], [1, 0]], "images": [0, 0], "of": 200}
    words = carry_words(carry, "4")
    assert "(row 0, col 0), (row 1, col 0) take values that 0 of the 200 clean images" in words
    assert "a planted trigger, or a shortcut learnt from rare training images" in words
    assert "both send inputs carrying it to class 4" in words


def test_a_patch_on_pixels_the_clean_images_commonly_ink_gets_no_words() -> None:
    white = np.ones((2, 2, 1))
    carry = carried(_clean(), (3, 3, 2, 2), white, [(3, 3), (4, 4)])
    assert min(carry["images"]) > 0.7 * 200  # 0.8 of them at each of the two pixels
    assert carry_words(carry, "4") == ""
    # one pixel the clean images never ink beside one they do: named alone
    mixed = carried(_clean(), (1, 1, 2, 2), white, [(1, 1), (2, 2)])
    assert mixed["images"][0] == 0 and mixed["images"][1] > 0.7 * 200
    assert "its effective pixel (row 1, col 1) takes a value that 0 of the 200" in carry_words(
        mixed, "4"
    )


def test_the_rare_share_is_the_bound_and_the_cells_outside_the_box_fall_back() -> None:
    x = np.zeros((200, 8, 8, 1))
    x[: int(RARE_CARRY * 200), 0, 0, 0] = 1.0  # 2 of 200 ink the corner
    white = np.ones((1, 1, 1))
    carry = carried(x, (0, 0, 1, 1), white, [(5, 5)])  # cells outside: the box's own pixels
    assert carry["pixels"] == [[0, 0]] and carry["images"] == [2]
    assert "takes a value that 2 of the 200" in carry_words(carry, "1")
    x[2, 0, 0, 0] = 1.0  # 3 of 200: no longer "almost never"
    assert carry_words(carried(x, (0, 0, 1, 1), white, None), "1") == ""
    # a black pixel on a black border: every image carries it
    assert carried(x, (7, 7, 1, 1), np.zeros((1, 1, 1)), None)["images"] == [200]


def test_the_cells_and_the_carry_are_kept_in_the_scans_state() -> None:
    scan = ClassScan(1, 2, 0.99, (2, 0, 2, 2), np.ones((2, 2, 1)), {2: 0.99})
    scan.cells = [(2, 0), (3, 0)]
    scan.carry = {"pixels": [[2, 0], [3, 0]], "images": [0, 1], "of": 200}
    assert "take values that 0 and 1 of the 200 clean images given hold there (in order)" in (
        carry_words(scan.carry, "1")
    )
    back = ClassScan.from_json(scan.to_json())
    assert back.cells == [(2, 0), (3, 0)] and back.carry == scan.carry
    none = ClassScan(1, None, 0.0, (0, 0, 1, 1), np.zeros((1, 1, 1)), {})
    bare = ClassScan.from_json(none.to_json())
    assert bare.cells is None and bare.carry is None
