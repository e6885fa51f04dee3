"""hostile41f: a header saved on macOS writes ``région`` decomposed (``e`` + U+0301); typed
in a shell or a notebook it is composed.  ``--protected région`` said "protected attribute
'région' is not a column; columns are: ..., région, ..." (two names that look the same), and
a model fitted on the composed name refused the data with "the model takes ... région ...;
the data's are ... région ...: which is which is unknown".  The protected name is now found
in its other form, and the refusal says what differs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.errors import UsageError

COMPOSED = "région"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def _frame(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({name: rng.choice(["Nord", "Süd"], n), "income": rng.normal(size=n)})
    return frame, (frame["income"] + (frame[name] == "Süd") > 0.5).to_numpy()


def _model(frame: pd.DataFrame, y: np.ndarray, name: str) -> Pipeline:
    encode = ColumnTransformer([("oh", OneHotEncoder(), [name])], remainder="passthrough")
    return Pipeline([("ct", encode), ("m", LogisticRegression())]).fit(frame, y)


def test_a_protected_name_typed_composed_finds_its_decomposed_column(tmp_path: Path) -> None:
    assert COMPOSED != DECOMPOSED
    frame, y = _frame(DECOMPOSED)
    model = _model(frame, y, DECOMPOSED)  # fitted on the file as macOS wrote it
    frame.to_csv(tmp_path / "d.csv", index=False)
    result = assay.check_fairness(
        model, tmp_path / "d.csv", protected=COMPOSED, max_queries=400, store=tmp_path / "s"
    )
    assert len(result.findings()) > 0


def test_a_model_of_the_composed_name_says_the_data_writes_it_otherwise(tmp_path: Path) -> None:
    frame, y = _frame(COMPOSED)
    model = _model(frame, y, COMPOSED)
    with pytest.raises(UsageError, match="another Unicode form"):
        assay.check_fairness(
            model,
            frame.rename(columns={COMPOSED: DECOMPOSED}),
            protected=DECOMPOSED,
            max_queries=400,
            store=tmp_path / "s",
        )


def test_a_label_and_a_drop_typed_composed_find_their_decomposed_columns(tmp_path: Path) -> None:
    frame, y = _frame("sex")
    model = _model(frame, y, "sex")
    named = frame.assign(**{DECOMPOSED: y, "Stadt é": "x"})
    result = assay.check_fairness(
        model,
        named.rename(columns={"Stadt é": unicodedata.normalize("NFD", "Stadt é")}),
        protected="sex",
        label=COMPOSED,
        drop=["Stadt é"],
        max_queries=400,
        store=tmp_path / "s",
    )
    assert len(result.findings()) > 0
