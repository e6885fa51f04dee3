"""mutation25: which exact figures a clock decided (``cut_by_time``), for the rerun caveat.
The twenty-fourth session's tests reached the budget's own cut of one tree's analysis; here
the other ways a clock decides: the data rows given up at their deadline (one tree, and an
ensemble), an ensemble's refinement cut, an enumeration or a conversion given up for time
(said by a reason, not a result), and a reason that is not the time's."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

import assay.fairness.exact.analysis as analysis_module
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.enumerated import enumerate_share
from assay.fairness.exact.timecut import NO_TIME_LEFT, cut_by_time
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

S = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 1),
        Feature("c", "continuous", 0.0, 10.0),
    ),
    protected=("s",),
)


def _fitted(estimator: Any) -> Any:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 10, 800), rng.integers(0, 2, 800), rng.random(800) * 10])
    y = ((x[:, 0] + x[:, 2] * (1 + x[:, 1])) > 9).astype(int)
    trees = compose_read(S, read_trees(load_model(estimator.fit(x, y))))
    assert not isinstance(trees, str), trees
    return trees, x[:50]


def _rows_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data rows' deadline already past when they are enumerated (the rest on time)."""
    real = analysis_module._data_bounds

    def late(schema: Schema, model: Any, a: int, data: Any, deadline: float) -> Any:
        return real(schema, model, a, data, time.monotonic() - 1.0)

    monkeypatch.setattr(analysis_module, "_data_bounds", late)


@pytest.mark.parametrize(
    "estimator",
    [DecisionTreeClassifier(random_state=0), RandomForestClassifier(5, random_state=0)],
    ids=["tree", "forest"],
)
def test_data_rows_given_up_at_their_deadline_cut_the_figures(
    estimator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    trees, rows = _fitted(estimator)
    on_time = analyse(S, trees, "s", data=rows, time_budget=60.0)
    assert on_time.data is not None and not on_time.cut_by_time
    _rows_late(monkeypatch)
    late = analyse(S, trees, "s", data=rows, time_budget=60.0)
    assert late.data is None and late.cut_by_time
    assert late.to_json()["cut_by_time"] is True
    assert cut_by_time({"s": late}) == ["s"]


def test_an_ensembles_refinement_cut_by_its_budget_says_so() -> None:
    trees, _ = _fitted(RandomForestClassifier(30, random_state=0))
    cut = analyse(S, trees, "s", time_budget=0.0)
    assert cut.status != "exact" and cut.cut_by_time
    whole = analyse(S, trees, "s", time_budget=120.0)
    assert whole.status == "exact" and not whole.cut_by_time


def test_reasons_given_for_want_of_time_are_cut_and_others_not() -> None:
    grid = Schema((Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 1)), protected=("s",))

    def classes(rows: np.ndarray) -> np.ndarray:
        return (rows[:, 0] > 4).astype(np.int64)

    late = enumerate_share(
        grid, classes, "s", data=None, deadline=time.monotonic() - 1.0, source="m"
    )
    assert isinstance(late, str)
    too_big = enumerate_share(
        grid, classes, "s", data=None, deadline=time.monotonic() + 60, source="m", max_queries=5
    )
    assert isinstance(too_big, str)
    converted = f"a booster, converted in 9.5 s of the 10 s: {NO_TIME_LEFT} to analyse its trees"
    reasons = {"late": late, "too_big": too_big, "converted": converted}
    assert cut_by_time(reasons) == ["late", "converted"]
