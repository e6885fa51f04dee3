"""mutation47: which images hold a window's agreed pixels (``class_map.held``, bd46) and
which of a given group are flagged (``holders``), each assertion a surviving mutant's: the
tolerance (within 0.2), the share (3 in 4 of the agreed pixels, and of those unlike the
background), every channel alike, the background as the images' median dominant colour, a
pattern of background alone held by nobody, and the 3 holders needed to flag them alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor.class_map import background, held, holders

BOX = (1, 1, 3, 3)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)  # 5 ones, 4 zeros


def _plain(n: int, value: float = 0.5, channels: int = 1) -> np.ndarray:
    return np.full((n, 6, 6, channels), value)


def _pattern(values: np.ndarray) -> np.ndarray:
    return values.reshape(3, 3, -1).astype(float)


def _stamp(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, 1:4, 1:4, :] = values.reshape(3, 3, -1)
    return out


def test_a_pixel_is_held_within_a_fifth() -> None:
    x = _plain(2)
    pattern = _pattern(CHECKER)
    bg = np.array([0.5])
    near = np.where(CHECKER > 0, 0.85, 0.15)  # each pixel 0.15 off
    far = np.where(CHECKER > 0, 0.75, 0.25)  # each pixel 0.25 off
    assert held(_stamp(x, near), pattern, BOX, bg).all()
    assert not held(_stamp(x, far), pattern, BOX, bg).any()


def test_three_in_four_of_the_agreed_pixels_are_needed() -> None:
    x = _plain(1, 0.0)
    pattern = _pattern(CHECKER)
    bg = np.array([0.0])
    seven = CHECKER.copy()
    seven[0, 1] = seven[1, 0] = 1.0  # two of the zeros wrong: 7 of 9 held, all 5 marked
    assert held(_stamp(x, seven), pattern, BOX, bg).all()  # 0.78
    six = seven.copy()
    six[2, 1] = 1.0  # 6 of 9 held
    assert not held(_stamp(x, six), pattern, BOX, bg).any()  # 0.67


def test_the_marked_pixels_must_be_held_too() -> None:
    # a window of 9 agreed pixels, 7 the background's and 2 marked: an image of background
    # alone holds 7 of 9 (0.78) but none of the 2 that tell the pattern: not held
    values = np.full(9, 0.5)
    values[[0, 8]] = 1.0
    pattern = _pattern(values)
    bg = np.array([0.5])
    assert not held(_plain(3), pattern, BOX, bg).any()
    assert held(_stamp(_plain(3), values), pattern, BOX, bg).all()
    # a pattern of background alone is nobody's, whatever matches it
    assert not held(_plain(3), _pattern(np.full(9, 0.5)), BOX, bg).any()


def test_every_channel_of_a_pixel_must_be_held() -> None:
    colour = np.stack([CHECKER, CHECKER, CHECKER], axis=-1).reshape(9, 3)
    pattern = _pattern(colour)
    bg = np.array([0.5, 0.5, 0.5])
    x = _stamp(_plain(2, 0.5, 3), colour)
    assert held(x, pattern, BOX, bg).all()
    x[:, 1:4, 1:4, 2] = 1.0 - CHECKER  # the blue channel unlike at every pixel
    assert not held(x, pattern, BOX, bg).any()


def test_the_background_is_the_median_of_the_images_dominant_colours() -> None:
    images = np.concatenate([_plain(2, 0.1), _plain(1, 0.9)])
    assert background(images).tolist() == pytest.approx([0.1])  # (the max: 0.9, the mean 0.37)


def _group(holding: int, others: int) -> tuple[np.ndarray, list[int], np.ndarray]:
    x = np.concatenate([_stamp(_plain(holding, 0.0), CHECKER), _plain(others, 0.0)])
    x[holding:, 1:4, 1:4, 0] = np.where(CHECKER > 0, 0.6, 0.0)  # (moved, not holding)
    return x, list(range(len(x))), _pattern(CHECKER)


def test_three_holders_are_flagged_alone_and_two_leave_the_group_flagged() -> None:
    x, group, pattern = _group(3, 4)
    row: dict[str, Any] = {}
    assert holders(x, group, pattern, BOX, row) == [0, 1, 2] and row["held"] == 3
    x, group, pattern = _group(2, 4)
    row = {}
    assert holders(x, group, pattern, BOX, row) == group and row["held"] == 0


def _map_record() -> dict[str, Any]:
    """bd46's all-to-all window (its 20 stamped images and 6 clean ones moved)."""
    from test_bd46_clean_flags import BOX as MAP_BOX
    from test_bd46_clean_flags import CHECKER as MAP_CHECKER
    from test_bd46_clean_flags import _checker_model, _images

    from assay.backdoor.class_map import class_map

    rng = np.random.default_rng(0)
    clean, _ = _images(200, rng)
    scanned, _ = _images(40, rng)
    scanned[20:, 4:7, 4:7, 0] = MAP_CHECKER
    windows = {i: [(MAP_BOX, 0)] for i in list(range(6)) + list(range(20, 40))}
    scanned[:6, 4:7, 4:7, 0] = 1.0 - MAP_CHECKER
    record: dict[str, Any] = class_map(
        scanned, list(range(40)), windows, clean, _checker_model(clean), _checker_model,
        np.random.default_rng(1), lambda: 0,
    )  # fmt: skip
    return record


def test_a_windows_bound_is_floored_at_a_counts_spread_on_its_fresh_images() -> None:
    from assay.backdoor.class_map import map_words
    from assay.backdoor.common_pattern import beyond_controls
    from assay.backdoor.control_odds import with_counted

    record = _map_record()
    row = record["window"]
    assert record["given"] and row["fresh"] > 1, row
    assert row["odds"] == beyond_controls(row["score"], row["controls"], row["fresh"])
    # the words' t bound is the bound's, the counted odds (1 in 9) said apart, as stored
    words = map_words(with_counted(record, "windows", "score"))
    assert row["counted_odds"] == pytest.approx(1 / 9), row
    assert f"1 in 9 at best for clean images); t bound {row['odds']:.1g})" in words, words
