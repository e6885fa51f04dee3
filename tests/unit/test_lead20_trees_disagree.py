"""A tree model whose answers are not its trees' (a subclass that changes ``predict``, as a
threshold or a business rule wrapped into the class does): the exact analysis must answer for
the model, never for the trees it read.  (mutation20's survivor A1: nothing failed when the
check of the read trees against the model's own answers was removed.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.fairness.exact import compose_read
from assay.fairness.exact.checked import checked
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 1),
        Feature("b", "integer", 0, 14),
    ),
    protected=("s",),
)


class RuledTree(DecisionTreeClassifier):  # type: ignore[misc]
    """A tree that never splits on ``s``, with a rule after it that does: class 1 is refused
    to ``s == 1`` whenever ``a`` is at most 2."""

    def predict(self, X: Any) -> np.ndarray:
        x = np.asarray(X, dtype=np.float64)
        out = np.asarray(super().predict(X)).copy()
        out[(x[:, 1] == 1) & (x[:, 0] <= 2)] = 0
        return out

    def predict_proba(self, X: Any) -> np.ndarray:
        p = np.asarray(super().predict_proba(X)).copy()
        x = np.asarray(X, dtype=np.float64)
        rule = (x[:, 1] == 1) & (x[:, 0] <= 2)
        p[rule] = [1.0, 0.0]
        return p


def _grid() -> np.ndarray:
    a, s, b = np.meshgrid(np.arange(10), np.arange(2), np.arange(15), indexing="ij")
    return np.stack([a.ravel(), s.ravel(), b.ravel()], axis=1).astype(np.float64)


def test_trees_that_answer_otherwise_than_the_model_are_not_taken_for_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = np.stack([rng.integers(0, 10, 2000), np.zeros(2000), rng.integers(0, 15, 2000)], axis=1)
    y = (x[:, 2] >= 5).astype(int)  # sex constant in training: the trees never split on it
    model = RuledTree(random_state=0).fit(x.astype(np.float64), y)
    grid = _grid()
    other = grid.copy()
    other[:, 1] = 1 - other[:, 1]
    truth = float(np.mean(model.predict(grid) != model.predict(other)))
    assert truth > 0.1  # the rule discriminates (a <= 2 and b >= 5: 3/10 x 10/15 = 20 %)
    data = pd.DataFrame(grid[::7], columns=["a", "s", "b"])
    result = assay.check_fairness(
        model=model,
        data=data,
        schema=SCHEMA,
        protected=["s"],
        max_queries=500,
        exact=True,
        store=tmp_path / "runs.db",
    )
    (exact,) = result.summary["exact"]
    assert exact.get("certificate") is None  # the trees alone would certify zero
    share = exact["share_uniform"]
    assert share["low"] == share["high"] == truth  # every input asked of the model itself
    # a subclass is not read as its base class (its trees are not its answers)
    assert "the final estimator is RuledTree" in exact["source"]


def test_read_trees_are_checked_against_the_models_answers() -> None:
    """The check behind the exact analysis: trees read from a model are trusted only when
    they give the model's classes on 256 inputs of the domain; else the reason says how many
    differed (and the analysis asks the model itself, as above)."""
    rng = np.random.default_rng(0)
    x = np.stack([rng.integers(0, 10, 2000), rng.integers(0, 2, 2000), rng.integers(0, 15, 2000)])
    x = x.T.astype(np.float64)
    tree = DecisionTreeClassifier(random_state=0).fit(x, (x[:, 2] >= 5).astype(int))
    arrays = read_trees(load_model(tree))
    assert not isinstance(arrays, str)
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str)
    assert checked(SCHEMA, trees, arrays, trees.predict_encoded) is trees

    def ruled(rows: np.ndarray) -> np.ndarray:
        out = np.asarray(trees.predict_encoded(rows)).copy()
        out[(rows[:, 1] == 1) & (rows[:, 0] <= 2)] = 0
        return out

    asked = SCHEMA.sample_uniform(np.random.default_rng(0), 256)
    differ = int(np.sum(ruled(asked) != trees.predict_encoded(asked)))
    assert differ > 0
    reason = checked(SCHEMA, trees, arrays, ruled)
    assert (
        reason
        == f"the trees read from the model disagree with its answers on {differ} of 256 inputs"
    )
