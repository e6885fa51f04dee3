"""An imbalanced-learn Pipeline (``ColumnTransformer``, ``RandomOverSampler``, a decision
tree) was analysed by sampling only: "preprocessing step RandomOverSampler in front of the
trees is not known to be monotone or categorical per feature" (hostile53c, Adult), though
imblearn's Pipeline skips its samplers when it predicts.  A step that resamples and
transforms nothing is now left out of what the trees are fed.  (imbalanced-learn is not a
dependency: its Pipeline's rule, samplers used in ``fit`` and skipped in ``predict``, is
written out below.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay


class Oversampler:
    """imblearn's ``RandomOverSampler`` in short: rows of the rarer class repeated."""

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        y = np.asarray(y)
        values, counts = np.unique(y, return_counts=True)
        rare = np.flatnonzero(y == values[np.argmin(counts)])
        extra = np.resize(rare, counts.max() - counts.min())
        keep = np.concatenate([np.arange(len(y)), extra])
        return X[keep], y[keep]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}


class Pipeline(SkPipeline):
    """imblearn's ``Pipeline`` in short: samplers resample in ``fit``, are skipped after."""

    def _validate_steps(self) -> None:
        pass

    def fit(self, X: Any, y: Any = None, **params: Any) -> Pipeline:
        for _, step in self.steps[:-1]:
            if hasattr(step, "fit_resample"):
                X, y = step.fit_resample(X, y)
            else:
                X = step.fit_transform(X, y)
        self.steps[-1][1].fit(X, y)
        return self

    def _kept(self, X: Any) -> Any:
        for _, step in self.steps[:-1]:
            if not hasattr(step, "fit_resample"):
                X = step.transform(X)
        return X

    def predict(self, X: Any, **params: Any) -> Any:
        return self.steps[-1][1].predict(self._kept(X))

    def predict_proba(self, X: Any, **params: Any) -> Any:
        return self.steps[-1][1].predict_proba(self._kept(X))

    @property
    def classes_(self) -> Any:
        return self.steps[-1][1].classes_


def test_an_imblearn_pipelines_sampler_leaves_the_trees_exact(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "job": rng.choice(["a", "b", "c"], n),
            "hours": rng.integers(1, 60, n),
            "income": rng.integers(1_000, 900_000, n),  # (too many inputs to enumerate)
        }
    )
    rich = (frame["sex"] == "M") & (frame["hours"] > 45) | (rng.random(n) < 0.05)
    frame["label"] = np.where(rich, "hi", "lo")
    front = ColumnTransformer(
        [("o", OneHotEncoder(handle_unknown="ignore"), ["sex", "job"])], remainder="passthrough"
    )
    model = Pipeline(
        [("ct", front), ("ros", Oversampler()), ("m", DecisionTreeClassifier(max_depth=4))]
    ).fit(frame.drop(columns="label"), frame["label"])
    result = assay.check_fairness(
        model,
        frame,
        protected="sex",
        label="label",
        max_queries=400,
        seed=1,
        exact=True,
        store=tmp_path / "st.db",
    )
    # before: basis 'sampled', "preprocessing step Oversampler in front of the trees ..."
    assert result.verdict.iloc[0]["basis"] == "exact"
    assert result.verdict.iloc[0]["level"] == "found"
