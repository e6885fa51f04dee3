"""hostile43b: the nearest contents of a box in references too large for the shifted stack
and the summed tables concatenated every move's window of every reference: a 383x383 box of
20 512x512 references made 200 MB arrays, three at a time (1.1 GB resident at a scan's start).
Now move by move, the same contents chosen."""

from __future__ import annotations

import numpy as np
import pytest

from assay.backdoor import repair


def _all_at_once(
    image: np.ndarray, box: tuple[int, int, int, int], refs: np.ndarray, k: int, shift: int
) -> np.ndarray:
    t, left, h, w = box
    moves = repair._moves(shift)
    contents = np.concatenate([repair._window(refs, box, dy, dx) for dy, dx in moves])
    patch = image[None, t : t + h, left : left + w]
    inside = ((contents - patch) ** 2).sum(axis=3).reshape(len(contents), -1).sum(axis=1)
    totals = np.concatenate(
        [
            ((repair._shifted(refs, dy, dx) - image[None]) ** 2).sum(axis=(1, 2, 3))
            for dy, dx in moves
        ]
    )
    out: np.ndarray = contents[np.argsort(totals - inside, kind="stable")[:k]]
    return out


def test_large_references_give_the_same_nearest_contents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repair, "CACHE_BYTES", 0)  # neither the shifted stack
    monkeypatch.setattr(repair, "SUMS_BYTES", 0)  # nor the summed tables
    rng = np.random.default_rng(0)
    refs = rng.random((12, 20, 20, 1))
    image = rng.random((20, 20, 1))
    for box in [(0, 0, 15, 15), (3, 4, 5, 6), (10, 12, 10, 8)]:
        got = repair.nearest_contents(image, box, refs, k=5, shift=1)
        assert np.array_equal(got, _all_at_once(image, box, refs, 5, 1))
