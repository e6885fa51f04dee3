"""A small domain beside many data rows (mutation24): the queries the report says were asked,
the bound the domain alone must fit, and a model of the protected attribute alone."""

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


def _data(n: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    cols = (rng.integers(0, 8, n), rng.integers(0, 4, n), rng.integers(0, 2, n))
    return np.c_[cols].astype(np.float64)


class _Counting:
    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        self.asked += len(rows)
        return _classes(rows)


def _share(data: np.ndarray, max_queries: int, classes=_classes, schema=SCHEMA):  # type: ignore[no-untyped-def]
    got = enumerate_share(
        schema, classes, "s", data=data, deadline=time.monotonic() + 60, source="t",
        max_queries=max_queries,
    )  # fmt: skip
    assert not isinstance(got, str), got
    return got


def test_the_queries_said_are_those_asked_when_the_rows_are_read_from_the_domain() -> None:
    """The report's "every input asked: N queries" counted the 2,000 rows' queries (4,064)
    though only the domain's 64 were asked."""
    model = _Counting()
    got = _share(_data(2000), 2_500, model)
    assert model.asked == 64 and got.queries == 64, (model.asked, got.queries)
    assert got.to_json()["queries"] == 64


def test_the_queries_said_count_the_rows_when_they_were_asked() -> None:
    """Rows off the domain's grid (a = 2.5) are asked of their own, and counted."""
    model = _Counting()
    data = _data(100)
    data[:, 0] += 0.5
    got = _share(data, 10_000, model)
    assert model.asked == got.queries == (32 + 100) * 2 and got.data is not None


def test_a_domain_that_takes_exactly_the_bound_is_counted() -> None:
    got = _share(_data(2000), 64)
    assert got.data_rows == 2000 and got.data is not None
    assert any("read from its answers" in a for a in got.assumptions), got.assumptions


def test_a_model_of_the_protected_attribute_alone_reads_every_row_from_its_one_input() -> None:
    schema = Schema((Feature("s", "integer", 0, 1),), protected=("s",))
    data = np.array([[0.0], [1.0]] * 50)
    flips = _share(data, 10, lambda rows: rows[:, 0].astype(int), schema)
    assert flips.uniform == (1.0, 1.0) and flips.data == (1.0, 1.0), flips.data
    steady = _share(data, 10, lambda rows: np.zeros(len(rows), dtype=int), schema)
    assert steady.uniform == (0.0, 0.0) and steady.data == (0.0, 0.0), steady.data
