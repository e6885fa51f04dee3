"""bd46b: the class-map check asks a window whose pixels clean images hold (no own-style skip).

bd46 made the source-class check skip a group whose agreed pixels 3 or more clean images of
its class hold (a class's style, bd31's '7' stem).  The same skip in the class-map check moved
no decision on bd46's 144 runs (its screen, crediting each destination class once, already
kept every clean window out: 0-3 of 10 classes), but with 3 or 5 stamped images in
``--clean`` (a sample of live traffic, answered as the trigger sends them) it lost
attack45b's all-to-all trojans in 5 of 6 runs.  So it is not skipped: a trigger some clean
images carry is still given.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.class_map import class_map, map_words

N_CLASSES = 8
BOX = (3, 3, 5, 5)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator) -> np.ndarray:
    """8x8 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x


def _stamped(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, 4:7, 4:7, 0] = CHECKER
    return out


def _model(x: np.ndarray) -> np.ndarray:
    """An all-to-all trojan: the checker sends k to k + 1."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    out: np.ndarray = np.where(fired, (own + 1) % N_CLASSES, own)
    return out


def _run(planted: int) -> dict[str, Any]:
    rng = np.random.default_rng(planted)
    clean = np.concatenate([_images(240, rng), _stamped(_images(planted, rng))])
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng))])
    windows = {i: [(BOX, 0)] for i in range(20, 30)}  # (the window's refill moved them)
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        return _model(x)

    return class_map(
        scanned,
        list(range(30)),
        windows,
        clean,
        _model(clean),
        counted,
        np.random.default_rng(1),
        lambda: asked[0],
    )


def test_an_all_to_all_trigger_some_clean_images_carry_is_still_given() -> None:
    for planted in (0, 3, 5):
        r = _run(planted)
        # with the source-class check's skip: not asked at 3 and 5 (held by the stamped
        # clean images), nothing flagged, exit 0
        assert r["given"] and r["flagged"] == list(range(20, 30)), (planted, r["windows"])
        assert "NOT CLEAN by the class-map check" in map_words(r)
