"""exact21: an XGBoost or LightGBM classifier at the end of a scikit-learn Pipeline is read
exactly: the booster converted to ONNX in memory (as a bare one is), the preprocessing
composed in front of its trees (as for scikit-learn's own trees in a Pipeline), and the
figures equal asking the Pipeline every input of a small domain.  It was refused ("in a
Pipeline, only the booster fitted on the preprocessed columns can be")."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import assay
from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "categorical", categories=("F", "M")),
        Feature("job", "categorical", categories=("x", "y", "z")),
        Feature("h", "integer", 0, 20),
    ),
    protected=("s",),
)
GRID = np.array(list(itertools.product(range(10), range(2), range(3), range(21))), dtype=float)


def _data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 10, n),
            "s": rng.choice(["F", "M"], n),
            "job": rng.choice(["x", "y", "z"], n),
            "h": rng.integers(0, 21, n),
        }
    )
    score = frame.a + 3 * (frame.s == "M") + 2 * (frame.job == "z") + rng.normal(0, 2, n)
    return frame, (score > 7).astype(int).to_numpy()


def _pipeline(kind: str, scaled: bool) -> Any:
    booster = (
        xgb.XGBClassifier(n_estimators=20, max_depth=3)
        if kind == "xgb"
        else lgb.LGBMClassifier(n_estimators=20, num_leaves=8, verbose=-1)
    )
    front = (
        make_column_transformer(
            (OneHotEncoder(drop="first"), ["s", "job"]), (StandardScaler(), ["a", "h"])
        )
        if scaled
        else make_column_transformer((OneHotEncoder(), ["s", "job"]), remainder="passthrough")
    )
    return make_pipeline(front, booster).fit(*_data())


@pytest.mark.parametrize("scaled", [False, True], ids=["one-hot", "one-hot-scaled"])
@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_a_booster_in_a_pipeline_equals_enumeration(kind: str, scaled: bool) -> None:
    model = load_model(_pipeline(kind, scaled))
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    assert arrays.conversion and arrays.source.endswith("in a Pipeline")
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str), trees

    def classes(rows: np.ndarray) -> np.ndarray:
        return labels_of(np.asarray(model.predict(SCHEMA.decode(rows))), model.capabilities)

    assert np.array_equal(trees.predict_encoded(GRID), classes(GRID))
    got = []
    for v in (0, 1):
        g = GRID.copy()
        g[:, 1] = v
        got.append(classes(g))
    result = analyse(SCHEMA, trees, "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(float(np.mean(got[0] != got[1])), abs=1e-12)


def test_a_booster_in_a_pipeline_is_checked_and_said(tmp_path: Path) -> None:
    frame, _ = _data()
    result = assay.check_fairness(
        model=_pipeline("xgb", True),
        data=frame.head(200),
        schema=SCHEMA,
        protected=["s"],
        max_queries=300,
        exact=True,
        store=tmp_path / "runs.db",
    )
    (exact,) = result.summary["exact"]
    assert exact["status"] == "exact"
    said = " ".join(exact["assumptions"])
    assert "XGBClassifier read from its ONNX conversion" in said
    assert "in a Pipeline, checked against the model on" in said
