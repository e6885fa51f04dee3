"""hostile41f: a model fitted on ``True``/``False`` (or 0/1) labels answers those, but
``findings()["prediction"]`` held the strings ``'False'``/``'True'`` (``'0'``/``'1'``):
``found[found.prediction == True]`` selected nothing.  The column now holds the model's own
class values; text classes stay text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "income": rng.normal(size=n)})
    return frame, (frame["income"] + (frame["sex"] == "M") > 0.5).to_numpy()


def _model(frame: pd.DataFrame, y: Any) -> Pipeline:
    encode = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    return Pipeline([("ct", encode), ("m", LogisticRegression())]).fit(frame, y)


@pytest.mark.parametrize(
    ("as_fitted", "kind"),
    [(lambda y: y, "b"), (lambda y: y.astype(int), "i"), (lambda y: np.where(y, "yes", "no"), "O")],
)
def test_predictions_come_back_as_the_models_own_classes(
    tmp_path: Path, as_fitted: Any, kind: str
) -> None:
    frame, y = _frame()
    labels = as_fitted(y)
    model = _model(frame, labels)
    result = assay.check_fairness(
        model, frame, protected="sex", max_queries=400, seed=1, store=tmp_path / "s"
    )
    found = result.findings()
    assert len(found) > 0
    held = np.asarray(found["prediction"].tolist())
    assert held.dtype.kind in ({"b", "i"} if kind != "O" else {"U", "O"})
    if kind != "O":
        rows = found[["sex", "income"]]
        assert (model.predict(rows) == held).all()
        assert set(held.tolist()) <= set(np.unique(labels).tolist())
