"""A Pipeline whose first step turns a date column into days declares and reads it: the
refusal said "if the model does not take it, set it aside (--drop applied ...), or make it
one (a year, a day number)", both ways refused or failing next (hostile53c).  Now it says the
model takes it and the way that runs, which is followed here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

import assay


def _days(X: pd.DataFrame) -> pd.DataFrame:
    return X.assign(applied=(X["applied"] - pd.Timestamp("2021-01-01")).dt.days)


def test_a_date_the_model_reads_is_refused_with_the_way_that_runs(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "applied": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
        }
    )
    late = (frame["applied"] - pd.Timestamp("2021-01-01")).dt.days > 45
    frame["label"] = np.where((frame["sex"] == "M") | late, "yes", "no")
    front = ColumnTransformer([("o", OneHotEncoder(), ["sex"])], remainder="passthrough")
    model = Pipeline(
        [("d", FunctionTransformer(_days)), ("ct", front), ("m", LogisticRegression())]
    ).fit(frame.drop(columns="label"), frame["label"])
    run: dict[str, Any] = {"protected": "sex", "label": "label", "max_queries": 300, "seed": 1}
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(model, frame, store=tmp_path / "a.db", **run)
    said = str(refused.value)
    assert "set it aside" not in said  # (before: --drop, then refused: the model takes it)
    assert "the model takes it (its feature_names_in_ declares 'applied')" in said
    # the way it gives, followed
    data = frame.copy()
    start = data["applied"].min()
    data["applied"] = (data["applied"] - start).dt.days
    result = assay.check_fairness(
        lambda X: model.predict_proba(
            X.assign(**{"applied": start + pd.to_timedelta(X["applied"], unit="D")})
        ),
        data,
        classes=list(model.classes_),
        store=tmp_path / "b.db",
        **run,
    )
    assert result.verdict.iloc[0]["level"] == "found"
