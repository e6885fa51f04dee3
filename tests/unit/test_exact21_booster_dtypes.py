"""exact21: a booster fitted on pandas ``category`` columns and given the same values as plain
strings failed inside its library ("train and valid dataset categorical_feature do not
match", or XGBoost's advice to set ``enable_categorical``, which was set); the error now names
the columns and the dtypes to pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

import assay
from assay.errors import ModelError


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 600
    data = pd.DataFrame(
        {
            "job": rng.choice(["a", "b", "c"], n),
            "sex": rng.choice(["M", "F"], n),
            "age": rng.integers(18, 70, n),
        }
    )
    y = (((data.job == "a") & (data.sex == "M")) | (data.age > 50)).astype(int).to_numpy()
    return data, y


def _fitted(kind: str) -> Any:
    data, y = _frame()
    train = data.astype({"job": "category", "sex": "category"})
    if kind == "lgbm":
        return lgb.LGBMClassifier(n_estimators=10, verbose=-1).fit(train, y)
    return xgb.XGBClassifier(n_estimators=5, enable_categorical=True).fit(train, y)


@pytest.mark.parametrize("kind", ["lgbm", "xgb"])
def test_category_columns_given_as_strings_are_named_with_what_to_pass(
    kind: str, tmp_path: Path
) -> None:
    data, _ = _frame()
    with pytest.raises(ModelError) as caught:
        assay.check_fairness(
            model=_fitted(kind),
            data=data,
            protected=["sex"],
            max_queries=200,
            store=tmp_path / "runs.db",
        )
    text = str(caught.value)
    assert "fitted on pandas 'category' columns and is given job, sex as plain values" in text
    assert "data.astype({'job': 'category', 'sex': 'category'})" in text


def test_the_dtypes_said_are_taken(tmp_path: Path) -> None:
    data, _ = _frame()
    result = assay.check_fairness(
        model=_fitted("lgbm"),
        data=data.astype({"job": "category", "sex": "category"}),
        protected=["sex"],
        max_queries=200,
        exact=False,
        store=tmp_path / "runs.db",
    )
    assert result.status == "completed"


def test_other_value_errors_are_left_as_they_are() -> None:
    from assay.models.booster_dtypes import category_mismatch

    data, _ = _frame()
    assert category_mismatch(_fitted("lgbm"), data, ValueError("something else")) is None
