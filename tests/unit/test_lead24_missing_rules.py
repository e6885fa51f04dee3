"""Rules over a column that may be missing (``--missing value``): the missing value is a region
of its own, never the top of the known values' range ("income = 99 or income is missing" for
a bias confined to the missing income)."""

from __future__ import annotations

import numpy as np
import pytest

from assay.fairness.regions import learn_rules, rule_text
from assay.fairness.schema import Feature, Schema


def _space(kind: str, high: float) -> Schema:
    low = 0.0 if kind == "continuous" else 10
    return Schema(
        features=(
            Feature("income", kind, low, high, missing=True),  # type: ignore[arg-type]
            Feature("sex", "categorical", categories=("F", "M")),
            Feature("age", "integer", 18, 70),
        )
    )


@pytest.mark.parametrize(
    ("kind", "high"), [("integer", 99), ("integer", 1000), ("continuous", 1.0)]
)
def test_a_bias_confined_to_the_missing_value_is_said_as_is_missing(kind: str, high: float) -> None:
    schema = _space(kind, high)
    rng = np.random.default_rng(0)
    rows = schema.sample_uniform(rng, 20_000)
    missing = schema.features[0].missing_mask(rows[:, 0])
    disc = missing & (rng.random(len(rows)) < 0.9)
    rules = learn_rules(schema, rows, disc, skip=1)
    assert [rule_text(schema, r) for r in rules][:1] == ["income is missing"]
    inside = rules[0].contains(rows)
    assert np.array_equal(inside, missing)


def test_a_range_with_the_missing_value_and_a_known_range_alone_stay_readable() -> None:
    schema = _space("integer", 1000)
    rng = np.random.default_rng(1)
    rows = schema.sample_uniform(rng, 40_000)
    income = rows[:, 0]
    f = schema.features[0]
    low_band = (income <= 300) & ~f.missing_mask(income)
    rules = learn_rules(schema, rows, low_band & (rng.random(len(rows)) < 0.9), skip=1)
    text = rule_text(schema, rules[0])
    assert "missing" not in text and text.startswith("income <= ")
    top_or_missing = (income >= 700) | f.missing_mask(income)
    rules = learn_rules(schema, rows, top_or_missing & (rng.random(len(rows)) < 0.9), skip=1)
    text = rule_text(schema, rules[0])
    assert text.startswith("(income >= ") and text.endswith(" or income is missing)")
