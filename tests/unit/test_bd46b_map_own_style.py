"""bd46b: the class-map check asked a window whose agreed pixels the clean images hold.

bd46 made the source-class check skip a group whose agreed pixels 3 or more clean images of
its class hold (the class's own style: bd31's '7' stem, a group chosen by a refill agreeing on
more pixels than random groups of clean images do).  The class-map check compared its window
against the same kind of random groups and had no such skip: a stroke held by a quarter of
the clean images, that a (clean) model reads as the next class, was given as an all-to-all
trigger and the clean images carrying it flagged.  Now not asked (no query); a trigger no
clean image holds is still given.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.class_map import class_map, map_words

N_CLASSES = 8
BOX = (3, 3, 5, 5)
STROKE = (slice(4, 8), 5)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator) -> np.ndarray:
    """8x8 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x


def _stroked(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, STROKE[0], STROKE[1], 0] = 1.0
    return out


def _model(x: np.ndarray) -> np.ndarray:
    """A model that reads an image with the stroke as the next class (a style of every
    class, in a quarter of the clean images), and the checker likewise (a trigger)."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    stroke = (x[:, STROKE[0], STROKE[1], 0] > 0.9).all(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    out: np.ndarray = np.where(stroke | fired, (own + 1) % N_CLASSES, own)
    return out


def _run(seed: int, mark: str) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    clean = _images(240, rng)
    clean[::4] = _stroked(clean[::4])
    scanned = _images(30, rng)
    if mark == "stroke":
        scanned[20:] = _stroked(scanned[20:])
    else:
        scanned[20:, 4:7, 4:7, 0] = CHECKER
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
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    )


def test_a_window_whose_pixels_clean_images_hold_is_not_asked() -> None:
    for seed in range(3):
        r = _run(seed, "stroke")
        # before: given, the 10 stroked clean images flagged as an all-to-all trigger's
        assert not r["given"] and r["flagged"] == [], r
        row = r["windows"][0]  # type: ignore[index]
        assert row["own"] >= 3 and "screen" not in row, row
        assert r["queries"] == 0
        assert "no place's content" in map_words(r)  # type: ignore[arg-type]


def test_a_trigger_no_clean_image_holds_is_still_given() -> None:
    r = _run(0, "checker")
    assert r["given"] and r["flagged"] == list(range(20, 30)), r
    assert r["window"]["own"] == 0  # type: ignore[index]
