"""A large patch's effective pixels are ranked on part of the pool (bd36): fewer queries, the
rate and the bisection still on the whole pool; a small patch (a trigger's size) as before."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assay.backdoor.modelscan import RANK_LARGE, RANK_POOL, effective_pixels

BOX = (2, 2, 6, 6)  # 36 pixels: more than RANK_LARGE


def _pool(n: int = 40) -> np.ndarray:
    """Dark 16x16 images; pixel (15, 15) holds how many of the patch's pixels an image needs
    before the model calls it class 1: 5 for the first half, 20 for the second."""
    pool = np.zeros((n, 16, 16, 1))
    pool[: n // 2, 15, 15, 0] = 5 / 36
    pool[n // 2 :, 15, 15, 0] = 20 / 36
    return pool


def _scores(calls: list[int]) -> Callable[[np.ndarray], np.ndarray]:
    def scores(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        lit = x[:, 2:8, 2:8, 0].sum(axis=(1, 2))
        need = np.round(x[:, 15, 15, 0] * 36)
        out = np.zeros((len(x), 2))
        out[:, 1] = np.where(lit >= need, 0.9, 0.1)
        out[:, 0] = 1.0 - out[:, 1]
        return out

    return scores


def test_a_large_patch_is_ranked_on_part_of_the_pool_and_counted_on_all_of_it() -> None:
    """The ranking's leave-one-out calls ask RANK_POOL images each, not the pool's 40: the
    count asks 1,000 images where main asked 1,720.  The bisection still asks the whole pool, so
    the count keeps 90 % of the rate on all 40 images: 20 pixels (the second half's need),
    not the 5 the first half (the images the ranking saw) would need."""
    assert RANK_LARGE < 36 and RANK_POOL < 40
    calls: list[int] = []
    n, rate = effective_pixels(1, BOX, np.ones((6, 6, 1)), _pool(), _scores(calls))
    assert rate == 1.0
    assert n == 20
    # the whole patch on the pool, 36 removals on RANK_POOL images, the bisection's 6 steps
    # (main: the whole patch and its 36 removals on the pool, 1,480 images, then the same 6)
    assert sum(calls) == 40 + 36 * RANK_POOL + 6 * 40, calls
    assert 36 * RANK_POOL in calls  # the ranking: one call of 36 masks x RANK_POOL images


def test_a_small_patch_is_still_ranked_on_the_whole_pool() -> None:
    """A patch of at most RANK_LARGE pixels (a trigger's size) is ranked as before: its
    leave-one-out masks and the whole patch in one call, each on the whole pool."""
    calls: list[int] = []
    pool = _pool()
    pool[:, 15, 15, 0] = 2 / 36  # two lit pixels of the 4x4 patch are enough for every image
    n, rate = effective_pixels(1, (2, 2, 4, 4), np.ones((4, 4, 1)), pool, _scores(calls))
    assert (n, rate) == (2, 1.0)
    assert calls[0] == 40 * (1 + 16)
    assert all(c % 40 == 0 for c in calls)
