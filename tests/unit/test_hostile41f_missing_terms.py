"""hostile41f: a Python caller was told of ``--missing drop``: in the note of the rows set
aside (``result.notes``: "(--missing drop; empty values by column: ...)") and in the error of
a model that cannot read the missing values ``missing="value"`` gives it.  The note now says
``missing="drop"``; the error names both forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.errors import ModelError


def _case() -> tuple[Pipeline, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"city": rng.choice(["a", "b"], n), "income": rng.normal(size=n)})
    frame["female"] = rng.integers(0, 2, n).astype(bool)
    y = np.where(frame["income"] + frame["female"] > 0.5, "yes", "no")
    encode = ColumnTransformer([("oh", OneHotEncoder(), ["city"])], remainder="passthrough")
    model = Pipeline([("ct", encode), ("m", LogisticRegression())]).fit(frame, y)
    frame["female"] = frame["female"].astype("boolean")
    frame.loc[::7, "female"] = pd.NA
    return model, frame


def test_the_rows_set_aside_are_said_in_python_terms(tmp_path: Path) -> None:
    model, frame = _case()
    result = assay.check_fairness(
        model, frame, protected="female", missing="drop", max_queries=300, store=tmp_path / "s"
    )
    said = [n for n in result.notes if "empty value" in n]
    assert said and 'missing="drop"' in said[0] and "--missing" not in said[0]


def test_a_model_that_cannot_read_missing_values_is_told_in_both_terms(tmp_path: Path) -> None:
    model, frame = _case()
    with pytest.raises(ModelError) as failed:
        assay.check_fairness(
            model, frame, protected="female", missing="value", max_queries=300, store=tmp_path / "s"
        )
    assert 'missing="drop"' in str(failed.value)


def test_a_polars_lazy_frame_is_told_to_collect_its_rows(tmp_path: Path) -> None:
    polars = pytest.importorskip("polars")
    model, frame = _case()
    lazy = polars.from_pandas(frame.dropna()).lazy()
    with pytest.raises(assay.UsageError, match=r"lazy_frame\.collect\(\)"):
        assay.check_fairness(model, lazy, protected="female", store=tmp_path / "s")
