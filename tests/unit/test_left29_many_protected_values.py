"""A protected attribute of very many values (an identifier, a column of 200,000 cities):
the run's answer asked each of its inputs with every value (60,800,000 queries, 2.5 minutes
and 4.2 GB for 200,000 values and --max-queries 5000).  More than ``MOST_COMBINATIONS``
combinations are refused before the run, naming the attribute, the count and the bound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError
from assay.fairness.schema import Feature, Schema
from assay.fairness.technique import MOST_COMBINATIONS, check_protected


def _schema(*counts: int) -> Schema:
    features = [Feature("age", "integer", low=18, high=90)]
    for i, n in enumerate(counts):
        features.append(Feature(f"p{i}", "categorical", categories=tuple(range(n))))
    return Schema(features=tuple(features), protected=tuple(f"p{i}" for i in range(len(counts))))


def test_the_bound_is_inclusive_and_named() -> None:
    check_protected(_schema(MOST_COMBINATIONS))
    check_protected(_schema(100, 100))
    with pytest.raises(UsageError, match="'p0' takes 10,001 values: more than 10,000") as err:
        check_protected(_schema(MOST_COMBINATIONS + 1))
    assert err.value.argument == "--protected"
    assert "bins=" in str(err.value) and "identifier" in str(err.value)


def test_combinations_of_several_attributes_count_together() -> None:
    with pytest.raises(UsageError, match=r"2 \('p0'\) x 5,001 \('p1'\) = 10,002 combinations"):
        check_protected(_schema(2, 5_001))


def test_an_identifier_named_protected_is_refused_before_any_query() -> None:
    n = 40_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 70, n), "city": [f"c{i // 2}" for i in range(n)]})
    frame["y"] = (frame.age > 40).astype(int)
    asked: list[int] = []

    def predict(x: pd.DataFrame) -> np.ndarray:
        asked.append(len(x))
        return (x["age"].to_numpy() > 40).astype(int)

    with pytest.raises(UsageError, match="'city' takes 20,000 values"):
        assay.check_fairness(predict, data=frame, label="y", protected="city", max_queries=5000)
    assert sum(asked) < 1_000  # (loading's probe at most; before: 6,080,000 by the answer)
