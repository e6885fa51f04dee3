"""mutation50: where a model scan's suspect patch lies against the clean images given
(``backdoor.carried``): a clean image carries the patch at a pixel only when every channel
there is within half the range of the patch's own value at that pixel (a grey is not white,
a red not white), read at the patch's own row and column; only cells inside the patch's box
count; no clean image given: no words; several pixels each carried by one count are said
as one figure, never "(in order)"."""

from __future__ import annotations

import numpy as np

from assay.backdoor.carried import carried, carry_words


def test_only_the_cells_inside_the_box_are_read() -> None:
    x = np.zeros((10, 8, 8, 1))
    white = np.ones((2, 2, 1))
    carry = carried(x, (0, 0, 2, 2), white, [(2, 0), (0, 2), (1, 1)])  # two just past it
    assert carry["pixels"] == [[1, 1]] and carry["images"] == [0] and carry["of"] == 10


def test_a_colour_pixel_carries_the_patch_only_in_every_channel() -> None:
    x = np.zeros((10, 4, 4, 3))
    x[:6, 0, 0, :] = [1.0, 0.0, 0.0]  # red in 6 of them
    x[6:, 0, 0, :] = [0.9, 0.95, 1.0]  # near white in 4
    carry = carried(x, (0, 0, 1, 1), np.ones((1, 1, 3)), None)
    assert carry["images"] == [4]


def test_half_the_range_away_is_not_like_the_patch() -> None:
    x = np.full((10, 4, 4, 1), 0.5)  # mid-grey everywhere
    assert carried(x, (1, 1, 1, 1), np.ones((1, 1, 1)), None)["images"] == [0]
    x[:3, 1, 1, 0] = 0.51
    assert carried(x, (1, 1, 1, 1), np.ones((1, 1, 1)), None)["images"] == [3]


def test_the_patch_is_read_at_its_own_row_and_column() -> None:
    x = np.zeros((10, 6, 6, 1))
    patch = np.zeros((2, 2, 1))
    patch[0, 1, 0] = 1.0  # white at its top right only
    x[:, 2, 3, 0] = 1.0  # every image white at (2, 3): the patch's top right at box (2, 2)
    carry = carried(x, (2, 2, 2, 2), patch, [(2, 3), (3, 2)])
    assert carry["pixels"] == [[2, 3], [3, 2]] and carry["images"] == [10, 10]


def test_no_clean_images_given_say_nothing() -> None:
    carry = carried(np.zeros((0, 4, 4, 1)), (0, 0, 1, 1), np.ones((1, 1, 1)), None)
    assert carry == {"pixels": [[0, 0]], "images": [0], "of": 0}
    assert carry_words(carry, "3") == ""


def test_pixels_carried_alike_are_said_as_one_figure_not_in_order() -> None:
    carry = {"pixels": [[0, 0], [0, 1]], "images": [0, 0], "of": 200}
    words = carry_words(carry, "7")
    assert "take values that 0 of the 200 clean images given hold there: a planted" in words
    assert "(in order)" not in words
