"""hostile43b: an honest defect detector (a bright spot anywhere is a defect; no trigger) was
reported trojaned: the bright core of a natural defect, pasted on normal scans, makes them
defects, and the check for objects that stand anywhere wanted the class's clean images'
window, refilled, to leave the class, which a blob wider than the 2x2 core never does ("4 of
40 images carry a confirmed trigger ... 2x2 at (row 16, col 13) -> class 1", exit 1).  A
window that does not hold its class alone is tried grown by its own side on every side."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore

SIDE = 32


def _detector(x: np.ndarray) -> np.ndarray:
    """Class 1 ("defect") when the mean of any 3x3 place is above 0.45."""
    img = np.asarray(x, dtype=np.float64).reshape(len(x), SIDE, SIDE)
    c = np.pad(img, ((0, 0), (1, 0), (1, 0))).cumsum(1).cumsum(2)
    means = (c[:, 3:, 3:] - c[:, :-3, 3:] - c[:, 3:, :-3] + c[:, :-3, :-3]) / 9.0
    score = (means.reshape(len(x), -1).max(axis=1) - 0.45) * 20
    p = 1 / (1 + np.exp(-score))
    return np.stack([1 - p, p], axis=1)


_detector.classes_ = [0, 1]  # type: ignore[attr-defined]


def _scans(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:SIDE, :SIDE]
    out = np.empty((n, SIDE, SIDE, 1))
    for i in range(n):
        img = 0.2 + 0.1 * rng.random() + 0.03 * rng.standard_normal((SIDE, SIDE))
        if rng.integers(0, 2):  # a defect: a bright blob somewhere
            cy, cx = rng.integers(8, 24, 2)
            img += 0.5 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 8.0)
        out[i, ..., 0] = np.clip(img, 0, 1)
    return out


def test_a_defect_detectors_own_spot_is_no_trigger(tmp_path: Path) -> None:
    r = check_backdoor(
        _detector,
        images=_scans(40, 11),
        clean=_scans(200, 2),
        seed=0,
        store=RunStore(tmp_path / "runs.db"),
        second_opinion=False,
    )
    assert r.headline.startswith("0 of 40 images carry a confirmed trigger"), r.headline
