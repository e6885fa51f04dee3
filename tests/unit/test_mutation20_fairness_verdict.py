"""The fairness answer's verdict where a wrong branch would pass a discriminating model.

Each test kills a one-token bug (a mutation) that the rest of the suite let through: a rule
on the data rows' share judged on the input space's, an exact certificate of zero kept
against the model's own answers (bench/RESULTS.md, "mutation20").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.rng import generator
from assay.fairness.exact import ExactResult
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer, parse_fail_on
from assay.models import load_model

SCHEMA = Schema(
    (Feature("sex", "integer", 0, 1), Feature("hours", "integer", 1, 99)),
    protected=("sex",),
)


def _at_forty() -> Any:
    """Discriminates on sex for people working 40 hours only (1 % of the input space, and
    every row of the data below)."""

    def predict(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        return ((rows[:, 1] == 40) & (rows[:, 0] == 1)).astype(np.int64)

    return load_model(predict, outputs="labels", n_classes=2)


DATA = np.column_stack([np.arange(200) % 2, np.full(200, 40)]).astype(np.float64)


def _verdict(model: Any, **kw: Any) -> dict[str, Any]:
    got = answer(SCHEMA, model, generator(0), data=DATA, samples=400, regions=False, **kw)
    row: dict[str, Any] = got["verdict"][0]
    return row


def test_a_rule_on_the_data_rows_share_is_judged_on_the_data_rows() -> None:
    """``--fail-on 'share_data>0.5'``: every data row is discriminatory (share 100 %) while
    about 1 % of the input space is; the rule fails (judged on the uniform share, it passed)."""
    on_data = _verdict(_at_forty(), fail_on=parse_fail_on("share_data>0.5"))
    assert on_data["share_data"] == 1.0 and on_data["share_uniform"] < 0.1
    assert on_data["fails"] is True and on_data["level"] == "fail"
    on_space = _verdict(_at_forty(), fail_on=parse_fail_on("share>0.5"))
    assert on_space["fails"] is False and on_space["level"] == "pass"


def _zero_certificate() -> ExactResult:
    """What trees read wrongly would say: no input changes outcome with sex (exact 0)."""
    return ExactResult(
        attribute="sex",
        status="exact",
        uniform=(0.0, 0.0),
        data=(0.0, 0.0),
        data_rows=len(DATA),
        boxes=[],
        n_boxes=0,
        seconds=0.0,
        source="trees read from the model",
        certificate="no leaf depends on sex",
    )


def test_a_certificate_of_zero_the_models_answers_contradict_is_withdrawn() -> None:
    """The exact analysis certifies zero, but the model itself answers the sampled data
    rows otherwise across sex: the verdict is 'found' (not 'certified zero', a pass), and
    with a rule, 'fail'."""
    row = _verdict(_at_forty(), exact={"sex": _zero_certificate()})
    assert row["level"] == "found" and not row["certificate"]
    ruled = _verdict(
        _at_forty(), exact={"sex": _zero_certificate()}, fail_on=parse_fail_on("share_data>0.5")
    )
    assert ruled["level"] == "fail" and ruled["fails"] is True


WIDE = Schema(
    (
        Feature("sex", "integer", 0, 1),
        Feature("hours", "integer", 1, 99),
        Feature("zip", "integer", 0, 99_999),
    ),
    protected=("sex",),
)


def test_a_few_discriminated_data_rows_are_found_where_the_space_shows_none() -> None:
    """One data row in twenty (zip 12345, 40 hours) is treated otherwise by sex: too small
    a part of the input space for the uniform sample to meet, but 'found' (it read 'none
    found' unless most data rows were discriminatory)."""

    def predict(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        there = (rows[:, 1] == 40) & (rows[:, 2] == 12345)
        return (there & (rows[:, 0] == 1)).astype(np.int64)

    data = np.column_stack(
        [np.arange(200) % 2, np.full(200, 40), np.where(np.arange(200) < 10, 12345, 7)]
    ).astype(np.float64)
    got = answer(
        WIDE, load_model(predict, outputs="labels", n_classes=2), generator(0), data=data,
        samples=400, regions=False,
    )  # fmt: skip
    row = got["verdict"][0]
    assert row["share_uniform"] == 0.0 and 0 < row["share_data"] < 0.5
    assert row["level"] == "found"


def test_a_share_whose_interval_spans_the_rule_is_judged_on_its_estimate() -> None:
    """Half the inputs discriminated against (hours above 50), rule 'share>0.45': the
    interval spans the threshold (undecided), and the estimate above it fails the run."""

    def predict(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        return ((rows[:, 1] > 50) & (rows[:, 0] == 1)).astype(np.int64)

    row = _verdict(
        load_model(predict, outputs="labels", n_classes=2), fail_on=parse_fail_on("share>0.45")
    )
    assert row["undecided"] and row["share_uniform"] > 0.45
    assert row["fails"] is True and row["level"] == "fail"
