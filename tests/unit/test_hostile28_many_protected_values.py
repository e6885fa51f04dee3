"""A protected attribute with very many values (an identifier named as protected, a city
column of 200,000 names): the walk search built a (K, K) matrix of distances between the
values at its start, 298 GiB for 200,000 values (exit 5, a MemoryError; 20,000 values: 3 GiB
and its temporaries, the out-of-memory killer on a smaller machine).  Above 1,024 values a
row is computed when it is ranked, and equals the matrix's."""

from __future__ import annotations

import types

import numpy as np

from assay.fairness.search.walk import WalkSearch


def _walk(k: int, protected: int = 2) -> WalkSearch:
    walk = WalkSearch.__new__(WalkSearch)
    rng = np.random.default_rng(0)
    combos = rng.integers(0, 50, size=(k, protected)).astype(np.float64)
    walk.K = k
    walk.oracle = types.SimpleNamespace(combinations=combos, protected=[1, 2])
    walk.schema = types.SimpleNamespace(
        highs=np.array([90.0, 49.0, 49.0]), lows=np.array([17.0, 0.0, 0.0])
    )
    walk._distance = None
    return walk


def test_many_values_build_no_matrix_and_rank_by_the_same_distances() -> None:
    walk = _walk(5_000)
    assert walk._combo_distance() is None  # (before: a 200 MB matrix, 600 MB with its temporaries)
    small = _walk(300)
    small._distance = small._combo_distance()
    assert small._distance is not None and small._distance.shape == (300, 300)
    row = small._distance[7].copy()
    small._distance = None
    np.testing.assert_allclose(small._distance_from(7), row)
    c = walk.oracle.combinations
    expected = (np.abs(c - c[3]) / 49.0).sum(axis=1)
    np.testing.assert_allclose(walk._distance_from(3), expected)
