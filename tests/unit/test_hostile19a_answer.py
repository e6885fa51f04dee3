"""The answer as a decision-maker reads it: a --fail-on rule that fails every model is
refused; the favourable class is not read off a negated name; who is favoured is named from
the favourable class's probability where the class cannot tell (a --threshold gap); the
report's schema takes every direction row the answer writes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.rng import generator
from assay.errors import UsageError
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer, favourable_class, parse_fail_on
from assay.models import load_model
from assay.report import load_schema
from assay.report.verdict_text import favoured_text


class _Lines:
    """What the command line says, line by line (``say_answer``'s ``out``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


SCHEMA = Schema(
    (
        Feature("sex", "integer", 0, 1, value_labels=("female", "male")),
        Feature("hours", "integer", 1, 99),
    ),
    protected=("sex",),
)


@pytest.mark.parametrize("rule", ["share>=0", "share >= 0 %", "share_data>=0", "share>=1e-400"])
def test_a_rule_every_share_meets_is_refused(rule: str) -> None:
    """'share>=0' failed a model whose share was 0.00 % ('sex: share 0.00 % ...; fail',
    exit 1): every share is at least 0."""
    with pytest.raises(UsageError) as info:
        parse_fail_on(rule)
    assert info.value.argument == "--fail-on" and "every" in str(info.value)
    assert not isinstance(parse_fail_on("share>0"), float)  # any discrimination: kept


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["N - not approved", "Y - approved"], "Y - approved"),
        (["approved=no", "approved=yes"], "approved=yes"),
        (["is_hired=False", "is_hired=True"], "is_hired=True"),
        (["hired: no", "hired: yes"], "hired: yes"),
        (["unacceptable risk", "acceptable risk"], "acceptable risk"),
        (["<=50K", ">50K"], ">50K"),
        ([" >50K.", " <=50K."], " >50K."),
        (["no", "yes"], "yes"),
        (["disapproved", "approved"], "approved"),
    ],
)
def test_the_favourable_class_is_not_read_off_a_negated_name(
    names: list[str], favourable: str
) -> None:
    """The first name holding a favourable word was taken: 'N - not approved' for a model
    whose classes are 'N - not approved' and 'Y - approved', reversing every direction."""
    _, name, how = favourable_class(names, len(names), None)
    assert name == favourable and "inferred from the" in how and "class name" in how


def _probability_model(gap: float) -> Any:
    """Everyone gets 'yes' (P 0.80 for a woman, 0.80 + gap for a man): with --threshold,
    every input is discriminatory and no class differs."""

    def predict(rows: np.ndarray) -> np.ndarray:
        p = 0.80 + gap * (np.asarray(rows, dtype=np.float64)[:, 0] == 1)
        return np.column_stack([1 - p, p])

    return load_model(predict, outputs="proba", n_classes=2)


def test_a_probability_gap_names_the_value_it_favours() -> None:
    """'the female variant gets 'yes' in 100.00 % of IDIs' was said of a model that gives a
    man P('yes') 0.95 and a woman 0.80: every variant got 'yes', the first was named."""
    got = answer(
        SCHEMA,
        _probability_model(0.15),
        generator(0),
        samples=500,
        threshold=0.1,
        class_names=["no", "yes"],
        regions=False,
    )
    rows = [d for d in got["direction"] if d["distribution"] == "uniform"]
    by = {d["value"]: d for d in rows}
    assert got["verdict"][0]["share_uniform"] == 1.0
    assert by["female (0)"]["favoured_in"] == by["male (1)"]["favoured_in"] == 1.0  # the class ties
    assert by["male (1)"]["p_favourable"] == pytest.approx(0.95)
    assert by["female (0)"]["p_favourable"] == pytest.approx(0.80)
    assert by["male (1)"]["highest_p_in"] == 1.0 and by["female (0)"]["highest_p_in"] == 0.0
    text = favoured_text(rows, "yes", "IDIs")
    assert text.startswith("the male (1) variant gets the highest P('yes') in 100.00 % of IDIs"), (
        text
    )
    assert "every variant gets 'yes' in 100.00 % of them" in text
    # the other way round: the woman favoured
    flipped = [{**d, "p_favourable": 1.75 - d["p_favourable"]} for d in rows]
    for d in flipped:
        d["highest_p_in"] = 1.0 - d["highest_p_in"]
    assert favoured_text(flipped, "yes", "IDIs").startswith(
        "the female (0) variant gets the highest"
    )


def test_a_tie_in_class_is_said_for_a_model_answering_labels() -> None:
    rows = [
        {"value": "A", "favoured_in": 1.0, "idis": 10},
        {"value": "B", "favoured_in": 1.0, "idis": 10},
        {"value": "C", "favoured_in": 0.0, "idis": 10},
    ]
    text = favoured_text(rows, "yes", "IDIs")
    assert text == (
        "the A variant gets 'yes' in 100.00 % of IDIs (as does the B variant), "
        "the C variant in 0.00 %"
    )
    clear = favoured_text([{**rows[0]}, {**rows[2]}], "yes", "IDIs")
    assert clear == "the A variant gets 'yes' in 100.00 % of IDIs"


def test_a_flip_keeps_the_class_line() -> None:
    """A label flip on a probability model: the class says who is favoured, as before."""
    got = answer(
        SCHEMA,
        _probability_model(-0.5),  # a man: P('yes') 0.30, 'no'
        generator(0),
        samples=500,
        class_names=["no", "yes"],
        regions=False,
    )
    rows = [d for d in got["direction"] if d["distribution"] == "uniform"]
    assert (
        favoured_text(rows, "yes", "IDIs")
        == "the female (0) variant gets 'yes' in 100.00 % of IDIs"
    )


def test_every_direction_row_fits_the_report_schema() -> None:
    """The answer writes 'exact boxes' direction rows (a region the sample missed) that the
    report's schema refused ('distribution' was 'uniform' or 'data')."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    direction = {"$ref": "#/$defs/direction", "$defs": schema["$defs"]}
    row = {"attribute": "sex", "value": "male", "favoured_in": 1.0, "idis": 3}
    for where in ("uniform", "data", "exact boxes"):
        jsonschema.validate({**row, "distribution": where, "p_favourable": 0.9}, direction)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "distribution": "elsewhere"}, direction)


def test_no_variant_getting_the_favourable_class_is_said_so() -> None:
    """Three classes, the outcome changing between the two others: 'the A variant gets 'high'
    in 0.00 % of IDIs' named A as if it were the favoured one."""
    rows = [{"value": v, "favoured_in": 0.0, "idis": 4} for v in ("A", "B")]
    assert favoured_text(rows, "high", "IDIs") == "no variant gets 'high' in any of the IDIs"


def test_a_region_witness_says_what_the_model_answers_for_each_value() -> None:
    """A region's witnesses were inputs alone ('sex: male, hours: 12'): nothing said why each
    is discriminatory.  Each now carries the class per value, checked here against the model."""

    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        return ((x[:, 1] >= 30) | (x[:, 0] == 1)).astype(np.int64)  # a woman refused below 30

    model = load_model(predict, outputs="labels", n_classes=2)
    got = answer(SCHEMA, model, generator(1), samples=3_000, class_names=["refused", "granted"])
    (top, *_) = [r for r in got["regions"] if r["confirmed"]]
    assert top["rule"] == "hours <= 29"
    for w in top["witnesses"]:
        hours = float(w["hours"])
        said = {}
        for part in w["outcome by sex"].split(", "):
            value, cls = part.rsplit(": ", 1)
            said[value] = cls
        for code, value in enumerate(("female (0)", "male (1)")):
            expected = ["refused", "granted"][int(predict(np.array([[code, hours]]))[0])]
            assert said[value] == expected, w
        assert said["female (0)"] != said["male (1)"]


def test_a_costly_retraining_is_read_against_a_model_answering_everyone_alike() -> None:
    """'the share fell from 60.43 % to 0.86 %' with 'NOTE: ... 17.7 points less accurate':
    the retrained model (56.4 %) was barely above answering the most common label to every
    held-out row (50.9 %), which treats everyone alike; the NOTE now gives that floor."""
    from assay.fairness.estimate import Estimate
    from assay.fairness.mitigate import Measurement, MitigationReport, _most_common

    def m(share: float, accuracy: float) -> Measurement:
        est = Estimate("data", int(share * 1000), 1000, share, share - 0.01, share + 0.01, 0.95, 2)
        return Measurement(est, accuracy)

    labels = np.array([">50K"] * 491 + ["<=50K"] * 509)
    floor = _most_common(labels)
    assert floor == ("<=50K", pytest.approx(0.509))
    report = MitigationReport(
        before=m(0.6043, 0.7411),
        after=m(0.0086, 0.5644),
        control=m(0.6043, 0.7411),
        rounds=({"kept": True, "added_rows": 12_000},),
        policy="majority",
        estimator=None,
        majority=floor,
    )
    text = report.to_json()["text"]
    assert "NOTE: the retrained model is 17.7 points less accurate" in text
    assert (
        "A model answering '<=50K' to every held-out row (it treats everyone alike) scores " in text
    )
    assert "50.90 %; the retrained model 56.44 %" in text
    assert report.to_json()["majority_accuracy"] == pytest.approx(0.509)


def test_a_regions_values_select_the_users_own_rows() -> None:
    """``conditions`` holds codes (``"sex": [0]``, ``"married": [1]``): a user filtering their
    DataFrame by them selects nothing, or the wrong rows.  ``values`` is in their terms, and
    selects exactly the rows the rule holds."""
    import pandas as pd

    from assay.fairness.regions import Rule, rule_values

    schema = Schema(
        (
            Feature("sex", "categorical", categories=("Female", "Male")),
            Feature("married", "categorical", categories=(False, True)),
            Feature("hours", "continuous", 1, 99),
            Feature("age", "integer", 18, 79),
        ),
        protected=("sex",),
    )
    rule = Rule({0: (0,), 1: (1,), 2: (1.0, 50.5), 3: (30.0, 39.0)})
    values = rule_values(schema, rule)
    assert values == {"sex": ["Female"], "married": [True], "hours": [1.0, 50.5], "age": [30, 39]}
    rows = schema.sample_uniform(np.random.default_rng(0), 5_000)
    frame = pd.DataFrame(schema.decode(rows), columns=schema.names)
    mine = np.ones(len(frame), dtype=bool)
    for name, allowed in values.items():
        if schema.feature(name).kind == "categorical":
            mine &= frame[name].isin(allowed).to_numpy()
        else:
            column = frame[name].astype(float)
            mine &= ((column >= allowed[0]) & (column <= allowed[1])).to_numpy()
    assert mine.any() and np.array_equal(mine, rule.contains(rows))


def test_a_class_that_decides_leads_and_a_disagreeing_probability_is_said() -> None:
    rows = [
        {"value": "< 40", "favoured_in": 0.1, "idis": 9, "p_favourable": 0.40, "highest_p_in": 0.1},
        {
            "value": "[40, 80)",
            "favoured_in": 1.0,
            "idis": 9,
            "p_favourable": 0.55,
            "highest_p_in": 0.3,
        },
        {
            "value": ">= 80",
            "favoured_in": 0.7,
            "idis": 9,
            "p_favourable": 0.61,
            "highest_p_in": 0.6,
        },
    ]
    assert favoured_text(rows, ">50K", "IDIs") == (
        "the [40, 80) variant gets '>50K' in 100.00 % of IDIs, the < 40 variant in 10.00 % "
        "(by probability, the >= 80 variant: the highest P('>50K') in 60.00 % of them)"
    )


def test_a_bin_named_by_its_bounds_reads_as_a_condition() -> None:
    """'most in: education_num >= 14 and hours = >= 80' (hours tested by bins)."""
    from assay.fairness.regions import Rule, rule_text

    hours = Feature(
        "hours",
        "categorical",
        categories=(20.4, 59.7, 89.5),
        value_labels=("< 40", "[40, 80)", ">= 80"),
    )
    schema = Schema((Feature("sex", "integer", 0, 1), hours), protected=("sex",))
    assert rule_text(schema, Rule({1: (2,)})) == "hours >= 80"
    assert rule_text(schema, Rule({1: (0,)})) == "hours < 40"
    assert rule_text(schema, Rule({1: (1,)})) == "hours in [40, 80)"
    assert rule_text(schema, Rule({1: (0, 1)})) == "hours in {< 40, [40, 80)}"
    from assay.fairness.exact.analysis import condition_text  # the exact boxes' rules

    assert condition_text(hours, [2]) == "hours >= 80"
    assert condition_text(hours, [1]) == "hours in [40, 80)"


def test_the_data_rows_favouring_the_other_value_is_said() -> None:
    """The line named the input space's favoured value alone: a model favouring men over the
    input space and women among the data rows (the people it meets) read as favouring men."""
    from assay.cli.answer_lines import say_answer

    def row(where: str, value: str, share: float) -> dict[str, Any]:
        return {
            "attribute": "sex",
            "distribution": where,
            "value": value,
            "favoured_in": share,
            "idis": 10,
        }

    verdict = {"attribute": "sex", "basis": "sampled", "share_uniform": 0.1, "uniform_low": 0.08}
    verdict.update(uniform_high=0.12, uniform_sampled=1000, level="found", fails=None)
    direction = [row("uniform", "Female", 0.2), row("uniform", "Male", 0.8)]
    summary = {"verdict": [verdict], "favourable": {"class": "yes"}}
    out = _Lines()
    say_answer(
        out,
        {
            **summary,
            "direction": [*direction, row("data", "Female", 0.3), row("data", "Male", 0.7)],
        },
    )  # type: ignore[arg-type]
    assert "the Male variant gets 'yes' in 80.00 % of 10 sampled IDIs" in out.lines[0]
    assert "over the data rows" not in out.lines[0]  # the same value: nothing more to say
    out = _Lines()
    say_answer(
        out,
        {
            **summary,
            "direction": [*direction, row("data", "Female", 0.9), row("data", "Male", 0.1)],
        },
    )  # type: ignore[arg-type]
    assert out.lines[0].endswith(
        "the Male variant gets 'yes' in 80.00 % of 10 sampled IDIs; over the data rows, the "
        "Female variant "
        "gets 'yes' in 90.00 % of their 10 IDIs"
    ), out.lines[0]


def test_a_rule_stored_before_its_refusal_is_read_back_as_it_was() -> None:
    """A run started with 'share>=0' before it was refused is resumed and shown by it (the
    refusal raised on `assay show`'s and `assay resume`'s reading of the stored rule)."""
    from assay.cli.answer_lines import say_answer

    assert parse_fail_on("share>=0", stored=True) == parse_fail_on("share>=0.5").__class__(
        "share", ">=", 0.0
    )

    verdict = {"attribute": "sex", "basis": "sampled", "share_uniform": 0.0, "share_data": 0.0}
    verdict.update(uniform_low=0.0, uniform_high=0.01, uniform_sampled=500, level="fail")
    out = _Lines()
    say_answer(out, {"verdict": [verdict], "direction": [], "fail_on": "share>=0"})  # type: ignore[arg-type]
    assert "fail (--fail-on 'share>=0')" in out.lines[0]


def test_discrimination_among_the_data_rows_alone_is_found() -> None:
    """'sex: share 0.00 % of the input space, 46.00 % of the data rows; none found', exit 0:
    the level looked at the input space's sample alone, which a bias where the people are
    (x < 2 of 0-1,000,000) escapes."""
    schema = Schema(
        (
            Feature("sex", "integer", 0, 1, value_labels=("female", "male")),
            Feature("x", "continuous", 0, 1_000_000),
        ),
        protected=("sex",),
    )

    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        return ((x[:, 0] == 1) | (x[:, 1] >= 2)).astype(np.int64)

    model = load_model(predict, outputs="labels", n_classes=2)
    rng = np.random.default_rng(0)
    data = np.column_stack([rng.integers(0, 2, 200), rng.uniform(0, 2, 200)])
    got = answer(schema, model, generator(0), data=data, samples=500, regions=False)
    (v,) = got["verdict"]
    assert v["share_uniform"] == 0.0 and v["share_data"] == 1.0
    assert v["level"] == "found"
    clean = answer(
        schema, model, generator(0), data=data + np.array([0.0, 5.0]), samples=500, regions=False
    )
    assert clean["verdict"][0]["level"] == "none found"  # the data rows where it is not
