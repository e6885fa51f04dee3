"""How bench/backdoor_b3d53.py searches and counts (the figures of bench/RESULTS.md's scan53
section rest on it): the NES search for a class's soft mask reaches a one-pixel trigger with a
mask of about one pixel, far below what a class needing a whole image costs; the anomaly index
names the low outlier only; a model counts as named only with its target alone (every class
over the index, or the lowest |m|_1 alone), and B3D is asked only where main names none in the
combined verdict."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import backdoor_b3d53 as b


def _toy(x: np.ndarray) -> np.ndarray:
    """Three classes on 4x4 images: class 2 when pixel (0, 0) is bright (the trigger), else
    class 1 by the image's mean brightness, else class 0."""
    flat = x.reshape(len(x), -1)
    logits = np.stack(
        [np.zeros(len(x)), 12.0 * (flat.mean(axis=1) - 0.6), 30.0 * (flat[:, 0] - 0.8)], axis=1
    )
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _cfg() -> argparse.Namespace:
    return argparse.Namespace(
        steps=300, pairs=20, batch=20, sigma=0.3, lr=0.1, lam0=0.01, init_logit=-2.0
    )


def test_the_search_reaches_a_one_pixel_trigger_with_a_one_pixel_mask() -> None:
    rng = np.random.default_rng(0)
    pool = rng.uniform(0.0, 0.3, size=(40, 4, 4, 1))
    assert (_toy(pool).argmax(axis=1) == 0).all()
    trig = b.b3d_class(_toy, 2, pool, np.random.default_rng(1), _cfg())
    whole = b.b3d_class(_toy, 1, pool, np.random.default_rng(1), _cfg())
    assert trig["reached"] and trig["top"][0] == 0
    assert trig["l1"] < 1.6
    assert whole["l1"] > 3 * trig["l1"]


def test_the_anomaly_index_names_the_low_outlier_only() -> None:
    idx = b.anomaly(np.asarray([8.0, 7.0, 9.0, 1.5, 8.5, 7.5]))
    assert [int(i) for i in np.flatnonzero(idx > 2)] == [3]
    assert idx[2] < 0  # a high score is no outlier


def _r(target: int | None, main: list[int], b3d: list[int]) -> dict[str, Any]:
    rows = [
        {"class": c, "index": 3.0 + c if c in b3d else 0.0, "l1": 5.0 - c if c in b3d else 9.0}
        for c in range(4)
    ]
    return {"name": "m", "target": target, "main": main, "named": b3d, "rows": rows}


def test_a_target_counts_alone_and_b3d_is_asked_where_main_names_none() -> None:
    res = [
        _r(1, [1], [2]),  # main names it; b3d a wrong class
        _r(2, [], [2]),  # b3d alone names it
        _r(3, [], [0, 3]),  # b3d names two: not counted
        _r(None, [], [1]),  # a clean model flagged by b3d
        _r(None, [2], []),  # and one by main
    ]
    c = b.counts(res, 2.0)
    assert c["main"] == (1, 3, 1, 2)
    assert c["b3d"] == (1, 3, 1, 2)
    assert c["main, else b3d"] == (2, 3, 2, 2)
    # the lowest |m|_1 alone: the model naming 0 and 3 gives 3 (the lower), its target
    assert c["b3d lowest"] == (2, 3, 1, 2)
    assert c["main, else lowest"] == (3, 3, 2, 2)
