"""missing24: a feature that may be missing (``--missing value``) has "missing" as one more
value: encoded at the top of its domain, given to the model as an empty cell (NaN, as pandas
reads one), drawn by the uniform sample, said "(missing)" / "x is missing" in rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.errors import UsageError
from assay.fairness.exact.analysis import condition_text
from assay.fairness.regions import Rule, rule_text, rule_values
from assay.fairness.schema import MISSING_LABEL, Feature, Schema
from assay.fairness.schema_files import load_schema


def _schema() -> Schema:
    return Schema(
        features=(
            Feature("age", "integer", low=20, high=29, missing=True),
            Feature("income", "continuous", low=0.0, high=90.0, missing=True),
            Feature("job", "categorical", categories=("a", "b"), missing=True),
            Feature("sex", "categorical", categories=("F", "M")),
        ),
        protected=("sex",),
    )


def test_the_missing_value_is_one_more_value_at_the_top_of_the_domain() -> None:
    s = _schema()
    age, income, job, sex = s.features
    assert age.n_values == 11 and age.missing_code == 30.0 and age.values()[-1] == 29
    assert job.n_values == 3 and job.missing_code == 2.0
    assert income.encoded_high == pytest.approx(100.0)  # a ninth of its span above high
    assert sex.missing_code is None and not sex.is_missing(1.0)
    assert age.label(30) == MISSING_LABEL and job.label(2) == MISSING_LABEL
    assert income.label(95.0) == MISSING_LABEL and income.label(90.0) == "90"
    assert age.value(30) is None and job.display(np.nan) == MISSING_LABEL
    # kept through the store's JSON (resume, verify, show rebuild the same schema)
    assert Schema.from_json(s.to_json()).features == s.features


def test_the_model_gets_nan_never_a_code() -> None:
    s = _schema()
    rows = np.array([[30.0, 100.0, 2.0, 0.0], [21.0, 5.5, 1.0, 1.0]])
    decoded = s.decode(rows)
    assert decoded.dtype == object  # text categories
    assert all(isinstance(v, float) and np.isnan(v) for v in decoded[0, :3]), decoded[0]
    assert list(decoded[1]) == [21, 5.5, "b", "M"]
    numbers = Schema(features=(s.features[0], s.features[1]))
    out = numbers.decode(rows[:, :2])
    assert np.isnan(out[0]).all() and list(out[1]) == [21.0, 5.5]
    # and back: an empty cell encodes to the missing value
    again = s.encode(np.array([[None, np.nan, None, "F"]], dtype=object))
    assert list(again[0]) == [30.0, pytest.approx(100.0), 2.0, 0.0]


def test_clip_and_the_uniform_draw_give_one_missing_code() -> None:
    s = _schema()
    got = s.clip(np.array([[30.0, 91.3, 2.0, 0.0]]))
    assert got[0, 1] == s.features[1].encoded_high  # above the known high: missing
    rows = s.sample_uniform(np.random.default_rng(0), 20_000)
    income = rows[:, 1]
    assert set(np.unique(income[income > 90.0])) == {s.features[1].encoded_high}
    assert 0.08 < float((income > 90.0).mean()) < 0.12  # one draw in ten
    assert 0.31 < float((rows[:, 2] == 2.0).mean()) < 0.36  # one category of three
    assert 0.07 < float((rows[:, 0] == 30.0).mean()) < 0.11  # one of eleven


def test_rules_say_is_missing() -> None:
    s = _schema()
    assert rule_text(s, Rule({0: (30.0, 30.0)})) == "age is missing"
    assert rule_text(s, Rule({0: (25.0, 30.0)})) == "(age >= 25 or age is missing)"
    assert rule_text(s, Rule({1: (95.0, 100.0)})) == "income is missing"
    assert rule_text(s, Rule({2: (2,)})) == "job is missing"
    assert rule_text(s, Rule({0: (20.0, 29.0)})) == "age <= 29"  # missing left out
    assert rule_values(s, Rule({0: (25.0, 30.0)})) == {"age": [25, 29, None]}
    assert rule_values(s, Rule({1: (95.0, 100.0)})) == {"income": [None]}
    age = s.features[0]
    assert condition_text(age, [30.0]) == "age is missing"
    assert condition_text(age, [28.0, 29.0, 30.0]) == "(age >= 28 or age is missing)"
    for text in (rule_text(s, Rule({0: (25.0, 30.0), 2: (1, 2)})),):
        assert "nan" not in text.lower() and "30" not in text, text


def test_a_schema_file_may_declare_a_column_missing(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "features:\n"
        "  - {name: income, type: integer, low: 1, high: 9, missing: true}\n"
        "  - {name: sex, type: categorical, categories: [F, M]}\n"
        "protected: [sex]\n"
    )
    s = load_schema(path)
    assert s.features[0].missing and not s.features[1].missing
    path.write_text(
        "features:\n  - {name: sex, type: categorical, categories: [F, M], missing: maybe}\n"
    )
    with pytest.raises(UsageError, match="missing 'maybe' is not true or false"):
        load_schema(path)
