"""Regions over nominal codes, and the share inside a rule measured on inputs drawn inside it.

- A feature whose integer codes name categories in no order (the built-in Adult encoding's
  occupation) was restricted to a *range* of codes: "occupation Sales (3) to Adm-clerical
  (8)", as if the order of adult.names meant something, and a bias on occupations 1, 5 and 9
  could only be found as 1-9.  It is a set now, learned as one.
- A rare region's share inside was measured on the few held-out rows it holds ("100.00 %
  discriminatory inside, 95 % CI 20.65 % to 100.00 % on 1 held-out inputs"); inputs drawn
  inside the rule now measure it too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.rng import generator
from assay.datasets import load_dataset
from assay.fairness.regions import Rule, rule_text, set_text
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer, inside_sample
from assay.models import load_model

JOBS = tuple(f"job{i}" for i in range(12))
SCHEMA = Schema(
    (
        Feature("age", "integer", 18, 90),
        Feature("sex", "integer", 0, 1, value_labels=("female", "male")),
        Feature("job", "integer", 0, 11, value_labels=JOBS, nominal=True),
        Feature("hours", "integer", 1, 99),
    ),
    protected=("sex",),
)
PLANTED = (1, 5, 9)  # jobs treated by sex, far apart in code order


def _planted() -> Any:
    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        base = (x[:, 3] > 50).astype(np.int64)
        inside = np.isin(x[:, 2], PLANTED) & (x[:, 0] >= 60) & (x[:, 3] >= 40) & (x[:, 3] <= 45)
        return np.where(inside, (x[:, 1] == 1).astype(np.int64), base)

    return load_model(predict, outputs="labels", n_classes=2)


def test_a_nominal_feature_is_restricted_to_the_set_planted() -> None:
    got = answer(SCHEMA, _planted(), generator(5, 1), samples=20_000, class_names=("no", "yes"))
    top = got["regions"][0]
    # a set of planted jobs (a range of codes would hold jobs between them: 2, 3, 4, ...)
    chosen = top["values"]["job"]
    assert len(chosen) >= 2 and set(chosen) <= {JOBS[c] for c in PLANTED}, top["rule"]
    assert sorted(top["conditions"]["job"]) == sorted(JOBS.index(j) for j in chosen)
    assert "job in {" + ", ".join(f"{j} ({JOBS.index(j)})" for j in chosen) + "}" in top["rule"]


def test_the_share_inside_is_measured_on_inputs_drawn_inside_the_rule() -> None:
    got = answer(SCHEMA, _planted(), generator(5, 1), samples=20_000, class_names=("no", "yes"))
    top = got["regions"][0]
    assert top["drawn_inside"] == inside_sample(20_000) == 1_000
    # the planted box holds only discriminatory inputs: the rule's share is measured on
    # more than a handful of rows, and its interval is narrow
    assert top["share_inside"] >= 0.95
    assert top["share_inside_high"] - top["share_inside_low"] < 0.05
    assert top["held_out_rows_inside"] < 100  # (the held-out rows alone were few)
    # the drawn inputs were asked of the model, and counted in the answer's queries
    plain = answer(
        SCHEMA, _planted(), generator(5, 1), samples=20_000, class_names=("no", "yes"),
        regions=False,
    )  # fmt: skip
    extra = got["analysis"]["queries"] - plain["analysis"]["queries"]
    assert extra == sum(r["drawn_inside"] for r in got["regions"]) * 2  # (two sexes)


def test_a_small_sample_draws_nothing_more() -> None:
    assert inside_sample(500) == 0  # 25 inputs would say little
    assert inside_sample(2_000) == 100


@pytest.mark.parametrize(
    ("codes", "text"),
    [
        ([3], "job = job3 (3)"),
        ([3, 4, 7], "job in {job3 (3), job4 (4), job7 (7)}"),
        ([c for c in range(12) if c != 6], "job not in {job6 (6)}"),
    ],
)
def test_set_text(codes: list[int], text: str) -> None:
    assert set_text(SCHEMA.feature("job"), codes) == text


def test_the_builtin_adult_codes_of_categories_are_nominal_and_read_as_sets() -> None:
    schema = load_dataset("adult").schema
    assert schema.feature("occupation").nominal and schema.feature("native_country").nominal
    assert not schema.feature("age").nominal and not schema.feature("capital_gain").nominal
    occupation = schema.index("occupation")
    text = rule_text(schema, Rule({occupation: tuple(range(3, 9))}))
    assert text.startswith("occupation in {Sales (3), Exec-managerial (4)")
    age = schema.index("age")
    assert rule_text(schema, Rule({age: (3.0, 5.0)})) == "age 30-39 (3) to 50-59 (5)"
    # the flag survives the run's stored schema (a resumed run renders as the first did)
    assert Schema.from_json(schema.to_json()).feature("occupation").nominal


def test_the_line_says_what_share_of_the_idis_the_rule_holds() -> None:
    """A rule twelve times denser than elsewhere may hold 0.66 % of the IDIs: 'most in'
    read as if most were there.  (The figure is the reports' ``recall``, fair36: one source
    for the terminal and the HTML.)"""
    from assay.report.region_text import covered_text

    rule = {"recall": 0.0067, "sample": "uniform", "held_out_idis": 1500}
    rule["held_out_idis_inside"] = 10
    assert covered_text(rule) == "about 0.67 % of the IDIs (10 of the 1,500 held out)"
    data_rule = {"recall": 0.5, "sample": "data", "held_out_idis": 8, "held_out_idis_inside": 4}
    assert covered_text(data_rule) == "about 50.00 % of the data rows' IDIs (4 of the 8 held out)"
    assert covered_text({"recall": None, "sample": "uniform"}) is None  # (nothing to hold)


def test_the_exact_box_is_shown_where_it_holds_more_of_the_idis_than_the_rule() -> None:
    from assay.cli.answer_lines import _where

    rule = {
        "attribute": "sex", "confirmed": True, "rule": "age 30-39", "share_inside": 0.03,
        "share_inside_low": 0.02, "share_inside_high": 0.04, "weight_space": 0.0006,
        "held_out_rows_inside": 3, "drawn_inside": 1000, "sample": "uniform", "recall": 0.09,
    }  # fmt: skip
    box = {"rule": "hours >= 80", "share_of_space": 0.0004}
    exact = {"attribute": "sex", "status": "exact", "share_uniform": {"low": 0.002, "high": 0.002},
             "boxes": [box]}  # fmt: skip
    v = {"attribute": "sex", "share_uniform": 0.002}
    both = _where({"regions": [rule], "exact": [exact]}, v)
    assert both.startswith("; largest exact box: hours >= 80") and "20.00 % of the IDIs" in both
    dense = {**rule, "share_inside": 0.9, "weight_space": 0.001, "recall": 0.45}  # holds 45 %
    assert _where({"regions": [dense], "exact": [exact]}, v).startswith(
        "; most concentrated in: age 30-39"
    )
    assert "most concentrated in" in _where({"regions": [rule]}, v)
    bounded = {**exact, "status": "bounded"}
    assert "at least 20.00 %" in _where({"regions": [], "exact": [bounded]}, v)
    assert _where({"regions": [], "exact": [exact]}, {**v, "certificate": "none"}) == ""
