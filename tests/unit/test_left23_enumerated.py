"""A small domain beside many data rows: the automatic exact count asked for the domain and
the rows together, so 2,000 rows beside a 32-input domain left it sampled (5,372 answer
queries, an interval) where 64 queries answer it exactly; the rows' share is now read from
the domain's answers, each row being one of its inputs."""

from __future__ import annotations

import time

import numpy as np

from assay.fairness.exact.enumerated import enumerate_share
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    (Feature("a", "integer", 0, 7), Feature("b", "integer", 0, 3), Feature("s", "integer", 0, 1)),
    protected=("s",),
)


def _classes(rows: np.ndarray) -> np.ndarray:
    return ((rows[:, 0] + rows[:, 1] + 2 * rows[:, 2]) > 6).astype(int)


def _changes(rows: np.ndarray) -> np.ndarray:
    zero, one = rows.copy(), rows.copy()
    zero[:, 2], one[:, 2] = 0, 1
    return _classes(zero) != _classes(one)


def test_the_domain_is_counted_and_the_rows_read_from_its_answers() -> None:
    rng = np.random.default_rng(0)
    data = np.c_[rng.integers(0, 8, 2000), rng.integers(0, 4, 2000), rng.integers(0, 2, 2000)]
    data = data.astype(np.float64)
    asked = {"n": 0}

    def classes(rows: np.ndarray) -> np.ndarray:
        asked["n"] += len(rows)
        return _classes(rows)

    got = enumerate_share(
        SCHEMA, classes, "s", data=data, deadline=time.monotonic() + 60, source="t",
        max_queries=2_500,
    )  # fmt: skip
    assert not isinstance(got, str), got
    grid = np.array([(a, b, 0) for a in range(8) for b in range(4)], dtype=np.float64)
    assert got.uniform == (_changes(grid).mean(),) * 2
    assert got.data == (_changes(data).mean(),) * 2 and got.data_rows == 2000
    assert asked["n"] == 64  # the domain's inputs with each value, no row asked
    assert any("read from its answers" in a for a in got.assumptions), got.assumptions


def test_rows_off_the_domains_grid_keep_their_sampled_figure() -> None:
    data = np.array([[2.5, 1.0, 0.0], [3.0, 1.0, 1.0]] * 2000)
    got = enumerate_share(
        SCHEMA, _classes, "s", data=data, deadline=time.monotonic() + 60, source="t",
        max_queries=2_500,
    )  # fmt: skip
    assert not isinstance(got, str), got
    assert got.data is None
    assert any("sampled figure stands" in a for a in got.assumptions), got.assumptions
