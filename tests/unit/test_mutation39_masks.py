"""``agreed_mask``'s edges (mutation39): three flagged images are enough, a pixel agreed on by
exactly ``MASK_AGREE`` of them is kept, and a mask under a quarter of the box or of fewer than
two pixels is none."""

from __future__ import annotations

import numpy as np

from assay.backdoor.masks import agreed_mask
from assay.backdoor.patches import Trigger


def _images(n: int, box: int, agreed: dict[tuple[int, int], int]) -> np.ndarray:
    """(n, 8, 8, 1) images whose ``box`` x ``box`` region at (2, 2) alternates 0.8 and 0.0
    image by image (half of them agree with the first there), except at the pixels of
    ``agreed``: 1.0 on the first k images (the rest 0.0)."""
    x = np.zeros((n, 8, 8, 1))
    for i in range(n):
        x[i, 2 : 2 + box, 2 : 2 + box, 0] = 0.8 if i % 2 == 0 else 0.0
        for (r, c), k in agreed.items():
            x[i, 2 + r, 2 + c, 0] = 1.0 if i < k else 0.0
    return x


def _form(x: np.ndarray, box: int) -> Trigger:
    content = x[0, 2 : 2 + box, 2 : 2 + box, :].copy()
    return Trigger(box=(2, 2, box, box), content=content, target=3, flip_rate=1.0, source=0)


PLUS = {(0, 1): 99, (1, 0): 99, (1, 1): 99, (1, 2): 99, (2, 1): 99}


def test_three_flagged_images_are_enough() -> None:
    x = _images(3, 3, PLUS)
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and mask.sum() == 5


def test_a_pixel_agreed_on_by_exactly_nine_of_ten_is_kept() -> None:
    x = _images(10, 3, {**PLUS, (0, 0): 9})
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and mask[0, 0] and mask.sum() == 6
    x = _images(10, 3, {**PLUS, (0, 0): 8})  # (eight of ten: not)
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and not mask[0, 0] and mask.sum() == 5


def test_a_mask_under_a_quarter_of_the_box_or_of_one_pixel_is_none() -> None:
    x = _images(10, 3, {(1, 1): 99, (1, 2): 99})  # two of nine pixels: under a quarter
    assert agreed_mask(x, _form(x, 3)) is None
    x = _images(10, 3, {(1, 1): 99, (1, 2): 99, (2, 2): 99})  # three: a quarter
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and mask.sum() == 3
    x = _images(10, 2, {(1, 1): 99})  # one pixel of a 2x2 box (a quarter): under two
    assert agreed_mask(x, _form(x, 2)) is None
    x = _images(10, 2, {(1, 1): 99, (0, 1): 99})
    mask = agreed_mask(x, _form(x, 2))
    assert mask is not None and mask.sum() == 2


def test_with_masks_reads_the_images_flagged_with_the_trigger_only() -> None:
    """Rows not flagged (``poisoned`` False) are not the trigger's images, whatever
    ``trigger_id`` they hold: 3 flagged carriers give the plus; 7 unflagged ones beside them,
    with other pixels, would leave it under ``MASK_AGREE``."""
    from assay.backdoor.masks import with_masks

    x = np.concatenate([_images(3, 3, PLUS), np.zeros((7, 8, 8, 1))])
    rows = [{"image": i, "poisoned": i < 3, "trigger_id": 0} for i in range(10)]
    ((_k, form),) = with_masks([(0, _form(x, 3))], rows, x)
    assert form.mask is not None and form.mask.sum() == 5


def test_a_pixel_of_the_mask_agrees_on_every_channel() -> None:
    """Colour images: the corner (0, 0) agrees on red in every image, not on green: not in
    the mask (read on one channel, or on any, it was)."""
    grey = _images(10, 3, {**PLUS, (0, 0): 99})
    x = np.repeat(grey, 3, axis=-1)
    x[:, 2, 2, 1] = [0.8 if i % 2 == 0 else 0.0 for i in range(10)]
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and not mask[0, 0] and mask.sum() == 5


def test_a_pixel_within_the_tolerance_of_the_form_agrees() -> None:
    """The plus drawn 0.8 on the other images, 1.0 on the form's: within 0.25, agreed."""
    x = _images(10, 3, PLUS)
    x[1:, 2:5, 2:5, 0][:, [0, 1, 1, 1, 2], [1, 0, 1, 2, 1]] = 0.8
    x[1:, 2:5, 2:5, 0][:, [0, 0, 2, 2], [0, 2, 0, 2]] = 0.0  # (corners: 0.8 on the form's)
    mask = agreed_mask(x, _form(x, 3))
    assert mask is not None and mask.sum() == 5
