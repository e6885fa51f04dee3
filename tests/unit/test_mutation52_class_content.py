"""scan51b's class-content rule at exactly half: a group's carried pixels sending exactly half
the fresh images to its class are its class's content (``content_odds`` 1: not given), and a
bounded group whose carried pixels sent exactly half is decided (``undecided`` None); one
fewer is neither; and a run's group bounded by its source class's few clean images (7, under
``FRESH``) at a wide window is asked its carried pixels, and decided by them; the bound on
the check's queries counts those fresh images once more, and its words say the carried
pixels of the agreed ones (mutation52)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from source_runs import asked_source_class, bounded_record
from test_scan51b_class_content import CHECKER, ROW_BOX, _images, _reads_the_row

from assay.backdoor.source_class import FRESH, _carried_words, most_source_queries, undecided
from assay.backdoor.source_content import content_odds


@pytest.mark.parametrize(("sent", "odds"), [(3, 0.0), (4, 1.0), (8, 1.0)])
def test_carried_pixels_sending_half_the_fresh_images_are_content(sent: int, odds: float) -> None:
    asked: list[int] = []

    def model(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        out = np.zeros(len(x), dtype=np.int64)
        out[:sent] = 7
        return out

    row: dict[str, Any] = {"box": [0, 0, 6, 6], "class": 7}
    pattern = np.ones((6, 6, 1))
    own = np.ones((4, 8, 8, 1))  # (every clean image of 7 carries every pixel)
    fresh = np.zeros((8, 8, 8, 1))
    assert content_odds(row, model, pattern, own, fresh, (8, 8, 1)) == odds
    assert asked == [8] and row["carried"] == [36, 36, sent]


@pytest.mark.parametrize(("sent", "decided"), [(4, False), (5, True)])
def test_a_bounded_group_whose_content_sent_exactly_half_is_decided(
    sent: int, decided: bool
) -> None:
    record = bounded_record(carried=[262, 286, sent])
    assert (undecided(record) is None) is decided


@pytest.mark.parametrize("seed", [1, 2])
def test_a_run_asks_a_bounded_groups_carried_pixels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    clean = _images(300, rng)
    zero = clean[:, 0, :8, 0].argmax(axis=1) == 0
    clean = np.concatenate([clean[~zero], clean[np.flatnonzero(zero)[:12]]])  # (12 '0's)
    threes = _images(20, rng, cls=3)
    threes[:, 0, 3, 0] = 1.0  # (alike: the brightest '3's)
    threes[:, 4:7, 4:7, 0] = CHECKER
    scanned = np.concatenate([_images(20, rng), threes])
    windows = {i: [(ROW_BOX, 0)] for i in range(20, 40)}  # (the refill answered '0')
    r, _ = asked_source_class(_reads_the_row, scanned, windows, clean, seed)
    (row,) = r["groups"]
    assert (row["source"], row["fresh"], row["sent"]) == (0, 7, 7)  # (bounded: 7 of 7)
    assert row["carried"][2] == 7 and row["odds"] == 1.0, row
    assert not r["given"] and undecided(r) is None  # (decided: its class's content)


def test_a_wide_groups_bound_counts_its_fresh_images_once_more() -> None:
    left, labels, clean_labels = list(range(8)), np.full(8, 3), np.repeat(np.arange(8), 10)

    def bound(box: tuple[int, int, int, int]) -> int:
        windows = {i: [(box, 0)] for i in left}
        return most_source_queries(left, labels, windows, clean_labels, (8, 8, 1))

    assert bound(ROW_BOX) - bound((0, 0, 3, 3)) == FRESH


def test_the_words_say_the_carried_pixels_of_the_agreed_ones() -> None:
    assert _carried_words({"carried": [3, 26, 0]}, "'3'") == (
        "; its 3 of 26 pixels that a quarter or more of the clean images of '3' carry, alone: 0"
    )
    assert _carried_words({}, "'3'") == ""
