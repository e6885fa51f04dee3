"""The sampling search on XGBoost and LightGBM classifiers fitted on the Adult data (pandas
category columns, string values): it finds a bias planted through labels that follow sex, and
finds nothing in a model that never saw sex vary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

import assay
from assay.datasets.registry import load_dataset


def _adult(n: int = 4000) -> tuple[pd.DataFrame, np.ndarray]:
    ds = load_dataset("adult-raw")
    frame = ds.frame.iloc[:n].copy()
    for column in frame.columns:
        if frame[column].dtype.kind not in "iuf":
            frame[column] = frame[column].astype("category")
    return frame, np.asarray(ds.target[:n])


def _booster(kind: str) -> Any:
    if kind == "xgb":
        return xgb.XGBClassifier(n_estimators=20, max_depth=4, enable_categorical=True)
    return lgb.LGBMClassifier(n_estimators=20, num_leaves=15, verbose=-1)


def _checked(kind: str, fitted_on: pd.DataFrame, labels: np.ndarray, tmp_path: Path) -> Any:
    """The fairness run of the booster fitted on ``fitted_on``, searched on the real rows."""
    model = _booster(kind).fit(fitted_on, labels)
    frame, _ = _adult()
    return assay.check_fairness(
        model=model, data=frame, protected=["sex"], max_queries=4000, store=tmp_path / "runs.db"
    )


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_planted_bias_is_found(kind: str, tmp_path: Path) -> None:
    frame, y = _adult()
    male = (frame["sex"] == "Male").to_numpy()
    planted = np.where(np.random.default_rng(0).random(len(y)) < 0.5, male, y).astype(int)
    result = _checked(kind, frame, planted, tmp_path)
    row = result.verdict.iloc[0]
    assert row["level"] == "found"
    assert row["share_data"] > 0.2
    example = result.summary["examples"][0]
    assert {v["protected"]["sex"] for v in example["variants"]} == {"Male", "Female"}


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_a_model_that_never_saw_sex_vary_is_quiet(kind: str, tmp_path: Path) -> None:
    frame, y = _adult()
    blind = frame.copy()
    blind["sex"] = pd.Categorical(["Male"] * len(blind), categories=["Female", "Male"])
    result = _checked(kind, blind, y, tmp_path)
    assert result.n_findings == 0
    assert result.verdict.iloc[0]["share_data"] == 0.0
