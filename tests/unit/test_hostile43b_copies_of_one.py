"""hostile43b: 40 copies of one scan (a loader repeating one image) read "0 of 40 images
carry a confirmed trigger; 40 images scanned are 1 distinct", exit 0: a CI gate passed on one
image tested.  Such a run is not a pass (exit 2); one image given alone still may pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore


def _predict(x: np.ndarray) -> np.ndarray:
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    s = np.stack([flat[:, :21].mean(1), flat[:, 21:42].mean(1), flat[:, 42:].mean(1)], 1) * 10
    e = np.exp(s - s.max(1, keepdims=True))
    out: np.ndarray = e / e.sum(1, keepdims=True)
    return out


_predict.classes_ = [0, 1, 2]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("copies", "passes"), [(20, False), (1, True)])
def test_copies_of_one_image_are_not_a_pass(tmp_path: Path, copies: int, passes: bool) -> None:
    rng = np.random.default_rng(0)
    one = rng.random((1, 8, 8, 1))
    r = check_backdoor(
        _predict,
        images=np.repeat(one, copies, axis=0),
        clean=rng.random((60, 8, 8, 1)),
        seed=0,
        max_queries=5_000,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert "0 of" in r.headline
    if passes:
        assert r.not_a_pass is None
    else:
        assert r.not_a_pass is not None and "copies of one image" in r.not_a_pass[1]
