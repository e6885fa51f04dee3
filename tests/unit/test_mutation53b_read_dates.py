"""mutation53b, over hostile53c's ``fairness.read_dates``: the way given for a date column
the model reads turns the days back into dates from the first date (``start + ...``: days
alone are durations, which the model's own ``.dt`` of a date refuses); a duration column's
way needs no start (``.dt.days`` and ``pd.to_timedelta``); and a model file that names
none of its columns (a pickle fit on an array) is told, as before, to set the column aside
or make it a number: nothing says it takes it."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay


def _days(X: pd.DataFrame) -> pd.DataFrame:
    col = X["when"]
    days = col.dt.days if col.dtype.kind == "m" else (col - pd.Timestamp("2021-01-01")).dt.days
    return X.assign(when=days)


def _frame(kind: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    days = pd.to_timedelta(rng.integers(0, 90, n), "D")
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "when": days if kind == "duration" else pd.Timestamp("2021-01-01") + days,
        }
    )
    frame["label"] = np.where(frame["sex"] == "M", "yes", "no")
    return frame


def _refusal(model: object, frame: pd.DataFrame, tmp_path: Path, **more: object) -> str:
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(
            model,
            frame,
            protected="sex",
            label="label",
            max_queries=100,
            seed=1,
            store=tmp_path / "s.db",
            **more,
        )
    return str(refused.value)


@pytest.mark.parametrize("kind", ["date", "duration"])
def test_the_way_for_a_column_the_model_reads_turns_its_days_back(
    tmp_path: Path, kind: str
) -> None:
    frame = _frame(kind)
    front = ColumnTransformer([("o", OneHotEncoder(), ["sex"])], remainder="passthrough")
    model = Pipeline(
        [("d", FunctionTransformer(_days)), ("ct", front), ("m", LogisticRegression())]
    ).fit(frame.drop(columns="label"), frame["label"])
    said = _refusal(model, frame, tmp_path)
    assert "the model takes it (its feature_names_in_ declares 'when')" in said, said
    if kind == "date":
        assert "start = data['when'].min(); data['when'] = (data['when'] - start).dt.days" in said
        assert "X.assign(**{'when': start + pd.to_timedelta(X['when'], unit='D')})" in said
    else:
        assert "in Python data['when'] = data['when'].dt.days; then" in said, said
        assert "X.assign(**{'when': pd.to_timedelta(X['when'], unit='D')})" in said
        assert "start" not in said


def test_a_model_file_naming_no_columns_is_told_to_set_a_date_aside(tmp_path: Path) -> None:
    # a pickle may declare its columns (they are set aside once it is loaded): this one, fit
    # on an array, declares none, so nothing says it takes the date
    frame = _frame("date")
    rng = np.random.default_rng(1)
    X = np.c_[(frame["sex"] == "M").to_numpy(), rng.integers(0, 90, len(frame))]
    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps(DecisionTreeClassifier().fit(X, frame["label"])))
    said = _refusal(str(path), frame, tmp_path, allow_pickle=True)
    assert "if the model does not take it, set it aside" in said, said
    assert "feature_names_in_" not in said and "the model takes it" not in said
