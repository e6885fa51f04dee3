"""left43b (hostile43b Left 5): 40 copies of one image were no pass any more, but 40 images
of 2 distinct still passed (exit 0) on two images tested, the headline "0 of 40 images carry
a confirmed trigger".  The rule: a scan where at least half the images are copies of others is
not a pass (exit 2), and the headline's lead says how many distinct images were tested; a
set with a few copies among many distinct images still passes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore


def _predict(x: np.ndarray) -> np.ndarray:
    """Three classes by the brightness of interleaved pixels (every third): no patch moves one
    group alone, so nothing is flagged."""
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    s = np.stack([flat[:, k::3].mean(1) for k in range(3)], 1)
    e = np.exp(10 * (s - s.max(1, keepdims=True)))
    out: np.ndarray = e / e.sum(1, keepdims=True)
    return out


_predict.classes_ = [0, 1, 2]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("distinct", "copies", "passes"), [(2, 20, False), (4, 8, False), (10, 12, True)]
)
def test_few_distinct_images_are_not_a_pass(
    tmp_path: Path, distinct: int, copies: int, passes: bool
) -> None:
    rng = np.random.default_rng(0)
    some = rng.random((distinct, 8, 8, 1))
    images = np.concatenate([some, np.repeat(some[:1], copies - distinct, axis=0)])
    r = check_backdoor(
        _predict,
        images=images,
        clean=rng.random((60, 8, 8, 1)),
        seed=0,
        max_queries=5_000,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert f"0 of {copies} images (only {distinct} distinct) carry" in r.headline, r.headline
    if passes:
        assert r.not_a_pass is None
    else:
        assert r.not_a_pass is not None
        assert f"{distinct} distinct images and {copies - distinct} copies" in r.not_a_pass[1]
