"""hostile44f: a model object (``predict``/``predict_proba`` and ``feature_names_in_``, as a
bank's wrapper around its scorer has) answering pandas was read by position, where a
function's pandas answer was read by its index and its columns since hostile21/hostile39:

- a ``predict_proba`` DataFrame whose columns name the classes in another order than
  ``classes_`` (``{"good": p, "bad": 1 - p}``): every label swapped, the favoured sex read
  the other way round (the M variant "gets 'bad'");
- a ``predict`` Series of a wrapper that sorts its batch before predicting and keeps each
  row's index: answers given to other inputs; a model that never reads ``sex`` was reported
  "found" (7.20 % of the data rows, ``passed`` False), a biased one's findings agreed with
  the model on 47 % of their rows.

Both are now read as a function's are (``models/sklearn.SklearnModel._answer``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay


def _frame(biased: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "purpose": rng.choice(["car", "home"], n),
            "income": rng.integers(10, 200, n) * 100,
        }
    )
    score = frame["income"] / 20_000 + rng.normal(0, 0.1, n)
    if biased:
        score = score + 0.4 * (frame["sex"] == "M")
    return frame.assign(label=np.where(score > np.median(score), "good", "bad"))


def _model(frame: pd.DataFrame, columns: list[str]) -> Pipeline:
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), [c for c in columns if c != "income"])],
        remainder="passthrough",
    )
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=5, random_state=0))])
    return model.fit(frame[columns], frame["label"])


class _Wrapper:
    """A bank's wrapper around its scorer, labels only: the columns of the whole frame
    declared, the inner model fitted on some of them."""

    def __init__(self, inner: Pipeline, answer: str) -> None:
        self.inner = inner
        self.answer = answer
        self.classes_ = inner.classes_
        self.feature_names_in_ = np.array(["sex", "purpose", "income"], dtype=object)

    def _inner(self, x: pd.DataFrame) -> pd.DataFrame:
        return x[list(self.inner.feature_names_in_)]

    def predict(self, x: pd.DataFrame) -> Any:
        if self.answer == "sorted":  # scored in income order, each answer under its row's index
            ordered = x.sort_values("income", kind="stable")
            return pd.Series(self.inner.predict(self._inner(ordered)), index=ordered.index)
        return self.inner.predict(self._inner(x))


class _Scorer(_Wrapper):
    """The wrapper with probabilities: an array, or a frame of columns named by class."""

    def predict_proba(self, x: pd.DataFrame) -> Any:
        p = self.inner.predict_proba(self._inner(x))
        good = list(self.inner.classes_).index("good")
        if self.answer == "pandas":
            return pd.DataFrame({"good": p[:, good], "bad": p[:, 1 - good]})
        if self.answer == "polars":
            return pl.DataFrame({"good": p[:, good], "bad": p[:, 1 - good]})
        return p


def _run(tmp_path: Path, model: _Wrapper, frame: pd.DataFrame) -> assay.FairnessResult:
    return assay.check_fairness(
        model, frame, protected="sex", label="label", max_queries=600, seed=1, store=tmp_path / "s"
    )


@pytest.mark.parametrize("answer", ["pandas", "polars"])
def test_probability_columns_in_another_order_are_read_by_their_names(
    tmp_path: Path, answer: str
) -> None:
    frame = _frame(biased=True)
    inner = _model(frame, ["sex", "purpose", "income"])
    result = _run(tmp_path, _Scorer(inner, answer), frame)
    found = result.findings(limit=None)
    assert len(found) > 0
    asked = found[["sex", "purpose", "income"]]
    assert list(found["prediction"]) == list(inner.predict(asked))
    good = list(inner.classes_).index("good")
    assert np.allclose(found["p(good)"], inner.predict_proba(asked)[:, good])
    favoured = found.loc[found["prediction"] == "good", "sex"]
    assert (favoured == "M").mean() > 0.9  # the M variant is the favoured one


def test_a_sorted_series_is_read_by_its_index(tmp_path: Path) -> None:
    frame = _frame(biased=True)
    inner = _model(frame, ["sex", "purpose", "income"])
    result = _run(tmp_path, _Wrapper(inner, "sorted"), frame)
    found = result.findings(limit=None)
    assert len(found) > 0 and not result.warnings
    assert list(found["prediction"]) == list(inner.predict(found[["sex", "purpose", "income"]]))


def test_a_sorted_series_of_a_model_blind_to_sex_is_no_finding(tmp_path: Path) -> None:
    frame = _frame(biased=False)
    blind = _model(frame, ["purpose", "income"])
    result = _run(tmp_path, _Wrapper(blind, "sorted"), frame)
    assert result.n_findings == 0 and result.passed and not result.warnings
    assert [v["level"] for v in result.summary["verdict"]] == ["none found"]
