"""mutation49: "every one of its N data rows counted" only of a rule holding fewer data rows
than the answer draws inside it (``fairness.verdict``, audit48r): a rule of more rows has
them drawn with replacement, its share a sample's, with its interval."""

from __future__ import annotations

import numpy as np

from assay.core.rng import generator
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer
from assay.models import load_model

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 999),
        Feature("b", "integer", 0, 999),
        Feature("c", "integer", 0, 99),
        Feature("sex", "integer", 0, 1, value_labels=("F", "M")),
    ),
    protected=("sex",),
)  # (bench/regions_planted.py's)


def _predict(rows: np.ndarray) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float64)
    out = (x[:, 0] + x[:, 1] >= 1_200).astype(np.int64)
    inside = (x[:, 0] < 10) & (x[:, 1] < 10)  # (a corner of the space: the data rows's)
    return np.where(inside, (x[:, 3] == 1).astype(np.int64), out)


def test_a_rule_of_many_data_rows_is_not_said_counted() -> None:
    # (FV1) a rule holding as many data rows as are drawn inside it, or more: drawn
    rng = np.random.default_rng(0)
    n = 4_000
    data = np.column_stack(
        [rng.integers(0, 14, n), rng.integers(0, 14, n), rng.integers(0, 100, n),
         rng.integers(0, 2, n)]
    ).astype(np.float64)  # fmt: skip
    model = load_model(_predict, outputs="labels", n_classes=2)
    got = answer(
        SCHEMA, model, generator(1, 1), data=data, samples=20_000, class_names=("deny", "approve")
    )
    regions = got["regions"]
    assert regions, got["regions"]
    big = 0
    for r in regions:
        cond: dict[int, tuple[float, float] | tuple[int, ...]] = {
            SCHEMA.index(k): (float(v[0]), float(v[1])) for k, v in r["conditions"].items()
        }
        rows = int(Rule(cond).contains(data).sum())
        if r.get("rows_counted"):
            assert r["rows_counted"] == rows, (r["rule"], r["rows_counted"], rows)
        elif rows >= r["drawn_inside"] > 0:
            big += 1
            assert r["share_inside_low"] < r["share_inside"] <= r["share_inside_high"]
    assert big, [(r["rule"], r.get("drawn_inside"), r.get("rows_counted")) for r in regions]
