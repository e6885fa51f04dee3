"""The duel route (``backdoor.duels``): a class is named where the verdict names none when its
half-rate pixels are a strong outlier among the classes found AND its patch wins its duels."""

from __future__ import annotations

import numpy as np

from assay.backdoor import duels


def test_a_class_few_pixels_keep_and_that_wins_its_duels_is_named() -> None:
    half = {0: 9, 1: 10, 2: 2, 3: 9, 4: 11}
    fights = {0: -0.4, 1: 0.1, 2: 0.8, 3: -0.2, 4: 0.2}
    got = duels.read(half, fights)
    assert [c for c, f in got.items() if f["named"]] == [2]
    assert got[2]["half_pixels"] == 2 and got[2]["duel_lead"] == 0.6
    assert got[2]["half_pixels_z"] >= duels.HALF_Z


def test_either_signal_alone_names_nothing() -> None:
    half = {0: 9, 1: 10, 2: 2, 3: 9, 4: 11}
    # few pixels, but its duels lead by 0.4 only
    assert not any(
        f["named"] for f in duels.read(half, {0: 0, 1: 0.4, 2: 0.8, 3: 0, 4: 0}).values()
    )
    # wins its duels, but its pixels are not an outlier
    even = {0: 9, 1: 10, 2: 8, 3: 9, 4: 11}
    assert not any(f["named"] for f in duels.read(even, {0: 0, 1: 0, 2: 0.8, 3: 0, 4: 0}).values())


def test_fewer_than_three_classes_are_not_read() -> None:
    assert duels.read({0: 9, 2: 1}, {0: -1.0, 2: 1.0}) == {}


def test_a_duel_counts_both_orders_on_images_of_neither_class() -> None:
    # a model answering 1 where pixel (0, 0) is inked, else 2 where (0, 1) is, else the label
    images = np.zeros((6, 2, 2, 1))
    labels = np.asarray([0, 1, 2, 0, 3, 3])

    def answer(x: np.ndarray) -> np.ndarray:
        out = np.full(len(x), 3)
        out[x[:, 0, 1, 0] > 0.5] = 2
        out[x[:, 0, 0, 0] > 0.5] = 1
        return out

    patches = {1: ((0, 0, 1, 1), np.ones((1, 1, 1))), 2: ((0, 1, 1, 1), np.ones((1, 1, 1)))}
    # class 1's patch wins against 2's in both orders on the 4 images of neither class
    assert duels.duel_score(1, patches, images, labels, answer) == 1.0
    assert duels.duel_score(2, patches, images, labels, answer) == -1.0


def test_the_evidence_names_both_signals_and_the_queries() -> None:
    figures = duels.read({0: 9, 1: 10, 2: 2, 3: 9}, {0: -0.4, 1: 0.1, 2: 0.8, 3: -0.2})[2]
    words = duels.duel_words(figures, 12345, 4)
    assert "2 pixels keep half its flip rate" in words
    assert "wins its duels" in words and "0.80" in words and "0.70 beyond" in words
    assert "12,345 queries" in words
    assert duels.duel_words(None, 10, 4) == ""
