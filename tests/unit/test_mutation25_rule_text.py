"""mutation25: rules over a feature that may be missing, at the edges the twenty-fourth
session's tests left: the top known value with the missing one ("age = 29 or age is
missing", not "age is missing"), a range ending at the known high said with ">=" (not "to"
the high), and labelled bins up to their top known bin ("25-39 or higher", not "to 40+")."""

from __future__ import annotations

import numpy as np
import pytest

from assay.fairness.regions import Rule, learn_rules, rule_text
from assay.fairness.schema import Feature, Schema

_SEX = Feature("sex", "categorical", categories=("F", "M"))


def test_the_top_known_value_and_the_missing_one_are_both_said() -> None:
    age = Feature("age", "integer", 20, 29, missing=True)
    s = Schema((age, _SEX), protected=("sex",))
    assert rule_text(s, Rule({0: (29.0, 30.0)})) == "(age = 29 or age is missing)"
    assert rule_text(s, Rule({0: (30.0, 30.0)})) == "age is missing"
    assert rule_text(s, Rule({0: (25.0, 29.0)})) == "age >= 25"


def test_a_range_to_the_known_high_says_at_least() -> None:
    income = Feature("income", "continuous", 0.0, 90.0, missing=True)
    s = Schema((income, _SEX), protected=("sex",))
    assert rule_text(s, Rule({0: (50.0, 90.0)})) == "income >= 50"
    assert rule_text(s, Rule({0: (50.0, 100.0)})) == "(income >= 50 or income is missing)"


def test_labelled_bins_to_the_top_known_bin_say_from() -> None:
    age = Feature("age", "integer", 0, 2, value_labels=("<25", "25-39", "40+"), missing=True)
    s = Schema((age, _SEX), protected=("sex",))
    assert rule_text(s, Rule({0: (1.0, 2.0)})) == "age 25-39 (1) or higher"
    assert rule_text(s, Rule({0: (1.0, 3.0)})) == "(age 25-39 (1) or higher or age is missing)"
    assert rule_text(s, Rule({0: (0.0, 1.0)})) == "age 25-39 (1) or lower"


@pytest.mark.parametrize(("kind", "high"), [("integer", 1000), ("continuous", 1.0)])
def test_a_bias_in_the_top_known_values_leaves_the_missing_value_out(
    kind: str, high: float
) -> None:
    """Peeling keeps the missing bin beside the top known ones; the rule tried with the
    known values alone is better, and says nothing of the missing value."""
    schema = Schema(
        (
            Feature("income", kind, 0.0 if kind == "continuous" else 10, high, missing=True),  # type: ignore[arg-type]
            _SEX,
            Feature("age", "integer", 18, 70),
        )
    )
    rng = np.random.default_rng(2)
    rows = schema.sample_uniform(rng, 40_000)
    f = schema.features[0]
    top = (rows[:, 0] >= 0.7 * high) & ~f.missing_mask(rows[:, 0])
    rules = learn_rules(schema, rows, top & (rng.random(len(rows)) < 0.9), skip=1)
    text = rule_text(schema, rules[0])
    assert text.startswith("income >= ") and "missing" not in text, text
    assert not (rules[0].contains(rows) & f.missing_mask(rows[:, 0])).any()
