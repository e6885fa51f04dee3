"""scan51: the class-map check's gates.  An all-to-all trojan whose trigger fires on about
half the images (issue 10's 32x32 CNN: attack success 40 %) screened 5 of 10 classes where
more than half were needed, and moved 11-14 of 30 fresh clean images where half were: missed.
A window moving at least half the classes is now asked, and given beyond its controls when it
moves a third of the fresh bases.  Here a fake model whose checkerboard sends k to k + 1 for
half the classes only (so the screen is exactly 5 of 10, the fresh count 15 of 30): given
(main: not asked further); its clean twin on the same images stays quiet, asking the screen
alone; a stroke sending every class to one class stays quiet too."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.class_map import MOVED_OF, SCREEN_OF, class_map

N_CLASSES = 10
BOX = (3, 3, 5, 5)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """10x10 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n)
    x = rng.uniform(0.0, 0.3, (n, 10, 10, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x, labels


def _stamped(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, 4:7, 4:7, 0] = CHECKER
    return out


def _model(kind: str) -> Any:
    """``half``: the checkerboard sends k to k + 1 for k under 5; ``stroke``: it sends every
    class to 0 (a class's own look, not a trigger); ``clean``: no trigger."""

    def answers(x: np.ndarray) -> np.ndarray:
        own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
        fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
        if kind == "half":
            fired &= own < N_CLASSES // 2
            return np.where(fired, (own + 1) % N_CLASSES, own)
        if kind == "stroke":
            return np.where(fired, 0, own)
        return own

    return answers


def _run(kind: str, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    clean, _ = _images(300, rng)
    scanned, _ = _images(40, rng)
    scanned[20:] = _stamped(scanned[20:])
    model = _model(kind)
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = model(x)
        return out

    windows = {i: [(BOX, 0)] for i in range(20, 40)} | {i: [((0, 0, 5, 5), 1)] for i in range(5)}
    return class_map(
        scanned,
        list(range(40)),
        windows,
        clean,
        model(clean),
        counted,
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    )


def test_a_trigger_moving_half_the_classes_is_given() -> None:
    for seed in range(3):
        r = _run("half", seed)
        row = r["windows"][0]
        assert row["box"] == list(BOX) and row["screen"] == N_CLASSES // 2  # (main: not asked)
        assert r["given"], r
        assert r["window"]["score"] == 15 and r["window"]["fresh"] == 30
        assert max(r["window"]["controls"]) == 0 and r["window"]["odds"] < 0.01
        assert r["flagged"] == list(range(20, 40))


def test_its_clean_twin_and_a_stroke_to_one_class_stay_quiet() -> None:
    for kind in ("clean", "stroke"):
        for seed in range(3):
            r = _run(kind, seed)
            assert not r["given"] and r["flagged"] == [], r
            # the screen alone, under half: one clean image per class per window (a stroke
            # to one class is credited once)
            assert all(w["screen"] * 2 < N_CLASSES for w in r["windows"]), r["windows"]
            assert r["windows"][0]["screen"] <= 1
            assert r["queries"] == N_CLASSES * len(r["windows"])


def test_the_gates() -> None:
    assert (SCREEN_OF, MOVED_OF) == (2, 3)  # at least half the classes; a third of the bases
