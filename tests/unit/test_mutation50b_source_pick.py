"""mutation50b: ``backdoor.source_pick`` (scan50), the source-class check's scattered groups,
piece by piece: a group of exactly ``MIN_GROUP`` images is one, only the ``TOP`` largest are
asked (largest first), the queries naming a group's source are those ``pick_queries``
counts, and the check's bound (``most_source_queries``) covers a scattered group's judging
as any group's.  Each mutant here passed ``test_scan50_scattered_source.py``."""

from __future__ import annotations

import numpy as np

from assay.backdoor.class_map import MIN_GROUP, TOP
from assay.backdoor.source_class import CONTROLS, FRESH, SCREEN, most_source_queries
from assay.backdoor.source_pick import PICK, pick_queries, pick_source, scattered


def _spread(
    first: int, n: int, box: tuple[int, int, int, int]
) -> dict[int, list[tuple[tuple[int, int, int, int], int]]]:
    """``n`` images from ``first`` whose refill at ``box`` changed their answer (7) to as many
    classes (no one holding half)."""
    return {first + i: [(box, i % 7)] for i in range(n)}


def test_a_group_of_exactly_min_group_is_scattered() -> None:
    box = (0, 0, 6, 6)  # (over half of an 8x8 image: ``wide``)
    windows = _spread(0, MIN_GROUP, box)
    assert scattered(list(range(MIN_GROUP)), np.full(MIN_GROUP, 7), windows, (8, 8)) == [
        (box, 7, None, list(range(MIN_GROUP)))
    ]


def test_only_the_top_largest_are_asked_largest_first() -> None:
    windows: dict[int, list[tuple[tuple[int, int, int, int], int]]] = {}
    first, sizes = 0, [4, 7, 5, 6]
    for k, n in enumerate(sizes):  # (a window of its own per group)
        windows |= _spread(first, n, (k, 0, 6, 6))
        first += n
    got = scattered(list(range(first)), np.full(first, 7), windows, (8, 8))
    assert len(got) == TOP < len(sizes)
    assert [len(g[3]) for g in got] == sorted(sizes, reverse=True)[:TOP]


def test_the_queries_naming_a_source_are_as_many_as_counted() -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((60, 8, 8))
    clean_labels = np.repeat(np.arange(6), 10)
    asked: list[int] = []

    def answers(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return np.where(x[:, 0, 0] > 0.9, 4, 0)  # (the pattern's pixel sends all to 4)

    pattern = np.full((2, 2), np.nan)
    pattern[0, 0] = 1.0
    named, sent, picked = pick_source(answers, clean, clean_labels, pattern, (0, 0, 2, 2), 4, rng)
    assert sum(asked) == len(picked) == pick_queries(1, 6) == PICK * 5
    assert 4 not in sent and set(clean_labels[picked]) == {0, 1, 2, 3, 5}
    assert named == 0 and sent == {c: PICK for c in (0, 1, 2, 3, 5)}  # (a tie: the lowest)


def test_the_bound_covers_a_scattered_groups_judging() -> None:
    box = (0, 0, 6, 6)
    windows = _spread(0, 8, box)
    clean_labels = np.repeat(np.arange(10), 12)
    bound = most_source_queries(list(range(8)), np.full(8, 7), windows, clean_labels, (8, 8))
    one = SCREEN + FRESH * (1 + 2 * CONTROLS) + 12  # (a group's, its class's 12 refilled)
    # (and its carried pixels on its fresh images again, at a window over half: scan51b)
    assert bound == one + FRESH + pick_queries(1, 10)


def test_no_other_class_among_the_clean_images_names_no_source() -> None:
    calls: list[int] = []

    def answers(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return np.zeros(len(x), dtype=np.int64)

    clean = np.zeros((6, 8, 8))
    pattern = np.ones((2, 2))
    rng = np.random.default_rng(0)
    named, sent, picked = pick_source(answers, clean, np.full(6, 4), pattern, (0, 0, 2, 2), 4, rng)
    assert (named, sent, len(picked)) == (None, {}, 0) and calls == []
