"""left30: a run under ``--max-time`` alone with a protected attribute of many values.  Its
answer kept 500 rows a source however short its time (10,000 values: 10,000,000 queries,
left out past its deadline: "the answer was not computed"), and its determinism
confirmation re-checked 500 IDIs with every value (5,000,000 queries, 17 s past
``--max-time 20``).  Both now keep fewer rows for many values, bounded in queries; a few
values keep the 500 as before."""

from __future__ import annotations

import time

import numpy as np

from assay.core.rng import generator
from assay.fairness.answer_cost import LEAST_QUERIES
from assay.fairness.determinism import REPEATS, SAMPLE, UNBUDGETED_CONFIRMATION, check_sizes
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import MIN_ANSWER_SAMPLE, answer
from assay.models import load_model


def _schema(values: int) -> Schema:
    return Schema(
        (Feature("a", "integer", 0, 50), Feature("s", "integer", 0, values - 1)),
        protected=("s",),
    )


def _model(x: np.ndarray) -> np.ndarray:
    return (np.asarray(x, dtype=float)[:, 0] > 30).astype(int)


def test_the_answers_least_rows_under_a_spent_time_follow_the_values() -> None:
    model = load_model(_model, outputs="labels", n_classes=2)
    for values, least in ((2, MIN_ANSWER_SAMPLE), (20, MIN_ANSWER_SAMPLE), (1_000, 10)):
        assert least == min(MIN_ANSWER_SAMPLE, LEAST_QUERIES // (2 * values))
        got = answer(
            _schema(values), model, generator(3), samples=20_000, regions=False,
            deadline=time.monotonic() - 1.0,  # (spent: the least rows only)
        )  # fmt: skip
        (v,) = got["verdict"]
        assert v["uniform_sampled"] == least, (values, v["uniform_sampled"])
        assert got["analysis"]["queries"] == least * values


def test_the_confirmation_without_a_query_budget_is_bounded() -> None:
    for combinations in (1, 2, 10, 20):
        assert check_sizes(None, combinations) == (SAMPLE, SAMPLE)  # as before
    flips, confirmed = check_sizes(None, 10_000)
    assert flips == SAMPLE and confirmed == 1  # (before: 500, 15,000,000 queries)
    assert confirmed * REPEATS * 10_000 <= max(UNBUDGETED_CONFIRMATION, REPEATS * 10_000)
    assert check_sizes(None, 100)[1] * REPEATS * 100 <= UNBUDGETED_CONFIRMATION
    # a query budget: each of the flip check's three rounds (hostile39b: the same inputs in
    # two other batches) at most a twentieth of it, as the confirmation
    assert check_sizes(5_000, 10_000) == (83, 0)
