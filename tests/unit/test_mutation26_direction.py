"""Who is favoured counted over a tree's boxes (mutation26): data rows none of which is an
IDI give no data rows' share (never a division by nothing), and the data rows are counted
once each over every box."""

from __future__ import annotations

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact_direction import boxes_direction
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 1)),
    protected=("s",),
)


def _trees() -> object:
    # the class follows s only where a >= 5: rows with a < 5 are no IDI
    rng = np.random.default_rng(0)
    x = SCHEMA.sample_uniform(rng, 400)
    y = ((x[:, 0] >= 5) & (x[:, 1] == 1)).astype(int)
    model = load_model(DecisionTreeClassifier(random_state=0).fit(SCHEMA.decode(x), y))
    trees = compose_read(SCHEMA, read_trees(model))  # type: ignore[arg-type]
    assert not isinstance(trees, str)
    return trees


def test_data_rows_none_of_which_is_an_idi_give_the_space_alone() -> None:
    trees = _trees()
    data = np.array([[0.0, 0.0], [2.0, 1.0], [4.0, 1.0]])
    result = analyse(SCHEMA, trees, "s", data=data)  # type: ignore[arg-type]
    assert result.status == "exact"
    got = boxes_direction(SCHEMA, "s", result, 1)
    assert got is not None
    rows, data_exact = got
    assert not data_exact
    assert [r["distribution"] for r in rows] == ["exact space", "exact space"]
    # s = 1 gets the favourable class in every discriminatory input, s = 0 in none
    assert [r["favoured_in"] for r in rows] == [0.0, 1.0]
    # a >= 5 is half the space: there s = 1 gets it, s = 0 never
    assert [r["share_of_space"] for r in rows] == [0.0, 0.5]


def test_the_data_rows_in_the_boxes_are_each_counted_once() -> None:
    trees = _trees()
    data = np.array([[0.0, 0.0], [5.0, 1.0], [7.0, 0.0], [9.0, 0.0], [3.0, 1.0]])
    result = analyse(SCHEMA, trees, "s", data=data)  # type: ignore[arg-type]
    got = boxes_direction(SCHEMA, "s", result, 1)
    assert got is not None
    rows, data_exact = got
    assert data_exact
    on_data = [r for r in rows if r["distribution"] == "data"]
    assert [(r["idis"], r["favoured_count"]) for r in on_data] == [(3, 0), (3, 3)]
