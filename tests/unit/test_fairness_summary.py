"""Example tables compare the model's outputs, not their display strings."""

from __future__ import annotations

import numpy as np

from assay.fairness.schema import Feature, Schema
from assay.fairness.summary import pair_tables


def test_the_variant_that_flips_is_shown_even_when_others_read_alike() -> None:
    schema = Schema(
        features=(
            Feature("age", "integer", low=18, high=90),
            Feature("sex", "categorical", categories=("Female", "Male")),
            Feature("race", "categorical", categories=("A", "B", "C", "D", "E")),
        ),
        protected=("sex", "race"),
    )
    K = 10
    inputs = np.array([[40, k // 5, k % 5] for k in range(K)], dtype=np.float64)
    p1 = np.full(K, 0.30)
    p1[1:8] = 0.31  # seven variants differ in probability only: the same label
    p1[9] = 0.70  # the one that flips: the last combination
    outputs = np.stack([1 - p1, p1], axis=1)
    table = pair_tables(schema, inputs, outputs, 0, caption="IDI #1", class_names=("<=50K", ">50K"))
    says, proba = table["rows"][-2], table["rows"][-1]
    assert says[:3] == ["model says", "<=50K", ">50K"]  # variant 1 flips
    assert proba[:3] == ["P(>50K)", "0.300", "0.700"]  # one class's probability, 3 decimals
    sex_row, race_row = table["rows"][0], table["rows"][1]
    assert (sex_row[2], race_row[2]) == ("Male", "E")  # the user's values, not codes
    assert len(set(map(tuple, zip(*table["rows"][:2], strict=True)))) == len(says)  # distinct


def test_labels_only_tables_show_flipping_variants_first() -> None:
    schema = Schema(
        features=(
            Feature("x", "integer", low=0, high=9),
            Feature("sex", "integer", low=0, high=1),
            Feature("race", "integer", low=0, high=2),
        ),
        protected=("sex", "race"),
    )
    inputs = np.array([[3, k // 3, k % 3] for k in range(6)], dtype=np.float64)
    outputs = np.array([0, 0, 0, 0, 0, 1])
    table = pair_tables(schema, inputs, outputs, 0, caption="c", max_variants=2)
    assert table["rows"][-1] == ["model says", "0", "1", "0"]
