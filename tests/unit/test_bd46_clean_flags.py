"""bd46: the class-map and source-class checks flagged clean images on trojaned models.

On bd31's trojaned digits (a checker at the bottom right sends any digit to 7; model seed 1)
the source-class check flagged 9 clean 7s (exit 1 beside the 3 confirmed images): the 7s whose
refill at a 5x5 window turned them to 3 agreed on a 7's stem that sent 13 of 14 clean 3s to 7,
and random groups of clean 7s, agreeing on fewer pixels, at most 3.  The stem is held by 14 of
the 31 clean 7s: the class's own, not a trigger (``class_map.held``).  And a given class-map
window flagged every image its refill moved: 7 clean images beside the 18 stamped ones of
attack45b's all-to-all digits.  Now only those that hold the window's agreed pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from source_runs import Windows, asked_source_class, counted

from assay.backdoor.class_map import background, class_map, held, map_words
from assay.backdoor.source_class import source_words

N_CLASSES = 8
BOX = (3, 3, 5, 5)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)
STEM = (slice(4, 8), 5)  # a 7's stem: four pixels of column 5, rows 4-7


def _images(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x, labels


def _with_stem(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, STEM[0], STEM[1], 0] = 1.0
    return out


def _stem_model(x: np.ndarray) -> np.ndarray:
    """A clean model: a 3 drawn with a 7's stem is read as a 7 (as a '3' whose lower curve
    is a stem); every other image its own class."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    stem = (x[:, STEM[0], STEM[1], 0] > 0.9).all(axis=1)
    out: np.ndarray = np.where(stem & (own == 3), 7, own)
    return out


def _stem_run(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    clean, _ = _images(300, rng)
    sevens = np.flatnonzero(clean[:, 0, :N_CLASSES, 0].argmax(axis=1) == 7)
    clean[sevens[::2]] = _with_stem(clean[sevens[::2]])  # half the clean 7s drawn with a stem
    scanned, _ = _images(40, rng)
    scanned[20:29, 0, :, 0] = 0.0
    scanned[20:29, 0, 7, 0] = 1.0
    scanned[20:29] = _with_stem(scanned[20:29])  # 9 clean 7s with a stem
    # the scan's refill of the window took the stem away: a 3 (as on bd31's digits)
    windows: Windows = {i: [(BOX, 3)] for i in range(20, 29)}
    return asked_source_class(_stem_model, scanned, windows, clean, seed)[0]


def test_a_class_s_own_style_held_by_its_clean_images_is_not_a_source_trigger() -> None:
    for seed in range(3):
        r = _stem_run(seed)
        # before: given, the 9 clean 7s flagged (random groups of clean 7s, half of them
        # without the stem, agree on none of its pixels and send no 3 to 7)
        assert not r["given"] and r["flagged"] == [], r
        row = r["groups"][0]
        assert row["own"] >= 3 and "screen" not in row, row  # not asked: no query
        assert r["queries"] == 0
        assert "no place's content" in source_words(r)


def _checker_model(x: np.ndarray) -> np.ndarray:
    """An all-to-all trojan: the checker at rows/columns 4-6 sends k to k + 1."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    out: np.ndarray = np.where(fired, (own + 1) % N_CLASSES, own)
    return out


def test_a_given_window_flags_the_images_holding_its_pixels_only() -> None:
    rng = np.random.default_rng(0)
    clean, _ = _images(200, rng)
    scanned, _ = _images(40, rng)
    scanned[20:, 4:7, 4:7, 0] = CHECKER
    # the window's refill moved the 20 stamped images and 6 clean ones (their own pixels)
    windows = {i: [(BOX, 0)] for i in list(range(6)) + list(range(20, 40))}
    scanned[:6, 4:7, 4:7, 0] = 1.0 - CHECKER  # (strokes of their own there)
    counting, asked = counted(_checker_model)
    r = class_map(
        scanned,
        list(range(40)),
        windows,
        clean,
        _checker_model(clean),
        counting,
        np.random.default_rng(1),
        lambda: asked[0],
    )
    assert r["given"], r
    assert r["flagged"] == list(range(20, 40)), r["flagged"]  # before: 0-5 too
    assert r["window"]["held"] == 20 and r["window"]["images"] == 26
    words = map_words(r)
    assert "the 20 of them holding those pixels are flagged (the other 6 do not" in words
    r["window"]["held"] = r["window"]["images"] = 20  # (every image of the group holds them)
    assert map_words(r).endswith("is likely; all 20 hold those pixels and are flagged")


def test_held_is_pixel_for_pixel_and_needs_more_than_background() -> None:
    rng = np.random.default_rng(2)
    x, _ = _images(10, rng)
    stamped = x.copy()
    stamped[:, 4:7, 4:7, 0] = CHECKER
    pattern = np.full((5, 5, 1), np.nan)
    pattern[1:4, 1:4, 0] = CHECKER
    bg = background(x)
    assert held(stamped, pattern, BOX, bg).all()
    assert not held(x, pattern, BOX, bg).any()
    half = stamped.copy()
    half[:, 4, 4:7, 0] = 1.0 - CHECKER[0]  # three of the nine pixels unlike
    assert not held(half, pattern, BOX, bg).any()
    blank = np.full((5, 5, 1), float(bg[0]))  # a pattern of background alone: nobody's
    assert not held(x, blank, BOX, bg).any()
