"""A clean image's own object, which stands anywhere in the frame, is not a trigger (bd42b;
hostile41b's Left 1 and 8).

The natural-feature check pastes the candidate's box taken at the same place from clean
images of its class; where objects move, theirs is elsewhere, and a clean image's object
pasted on other scenes was confirmed as a trigger (hostile41b's 100-class CNN: a warm ring
"12x12 at (row 9, col 8) -> class 91, flip rate 90%").  Here a classifier reads a bright
square anywhere as class 1: main flagged 7 of 20 images, half of them clean class-0 scenes
and half clean class-1 scenes, as carrying triggers (their own squares).  A real trigger (a
checker read only at its corner) is still found on every stamped image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import assay
from assay.backdoor.moved import nearest_windows, window_distances

S = 12
CHECKER = np.where(np.indices((3, 3)).sum(axis=0) % 2 == 0, 1.0, 0.0)[..., None]


def _scene(rng: np.random.Generator, cls: int) -> np.ndarray:
    img = 0.2 + 0.2 * rng.random((S, S, 1))
    if cls:  # the object: a bright square, anywhere, drawn a little differently each time
        r, c = rng.integers(0, S - 4, 2)
        img[r : r + 4, c : c + 4] = 0.75 + 0.2 * rng.random() + 0.04 * rng.random((4, 4, 1))
    return img


def objects(x: object) -> np.ndarray:
    """Class 1: a 4x4 square of mean above 0.7 anywhere; or (the backdoor) the checker at
    the bottom-right corner."""
    a = np.asarray(x, dtype=float).reshape(-1, S, S)
    square = sliding_window_view(a, (4, 4), axis=(1, 2)).mean(axis=(-1, -2)).max(axis=(1, 2))
    stamped = np.abs(a[:, -3:, -3:] - CHECKER[..., 0]).mean(axis=(1, 2)) < 0.1
    return ((square > 0.7) | stamped).astype(int)


def _scan(tmp_path: Path, images: np.ndarray) -> assay.BackdoorResult:
    rng = np.random.default_rng(0)
    clean = np.stack([_scene(rng, i % 2) for i in range(40)])
    return assay.check_backdoor(
        objects, images=images, clean=clean, n_classes=2, seed=0, store=tmp_path / "r.db"
    )


def _flagged(result: assay.BackdoorResult) -> list[int]:
    found = result.findings()
    return sorted(int(i) for i in found["image"]) if len(found) else []


def test_objects_that_move_are_not_triggers(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    [_scene(rng, i % 2) for i in range(40)]  # (the clean images' draws: other scenes next)
    images = np.stack([_scene(rng, i % 2) for i in range(20)])
    flagged = _flagged(_scan(tmp_path, images))
    assert len(flagged) <= 1, flagged  # main: 7 of 20 (their own squares)


def test_a_trigger_read_at_its_place_is_still_found(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    scenes = np.stack([_scene(rng, 0) for _ in range(20)])
    stamped = scenes[:10].copy()
    stamped[:, -3:, -3:] = CHECKER
    result = _scan(tmp_path, np.concatenate([stamped, scenes[10:]]))
    flagged = _flagged(result)
    assert set(range(10)) <= set(flagged), flagged
    assert len(flagged) <= 11, flagged


def test_window_distances_are_those_of_every_window() -> None:
    rng = np.random.default_rng(1)
    src, region = rng.random((9, 11, 3)), rng.random((4, 3, 3))
    views = np.moveaxis(sliding_window_view(src, (4, 3), axis=(0, 1)), 2, -1)
    brute = ((views - region) ** 2).sum(axis=(2, 3, 4))
    np.testing.assert_allclose(window_distances(src, region), brute, atol=1e-9)


def test_a_window_copying_the_candidate_is_no_source() -> None:
    """A clean image carrying the candidate's very pixels elsewhere (a trigger pasted on
    clean data) would make any trigger its class's own."""
    rng = np.random.default_rng(2)
    image = 0.3 * rng.random((10, 10, 1))
    image[6:9, 6:9] = CHECKER
    holder = 0.3 * rng.random((10, 10, 1))
    holder[1:4, 2:5] = CHECKER  # the same pixels, elsewhere
    found = nearest_windows(holder[None], image, (6, 6, 3, 3), 0.05, 0.75, 3)
    assert found and (1, 2, 3, 3) not in found[0][1], found
