"""left43f: ``unread_declared`` read a ColumnTransformer only as the Pipeline's first step: one
behind a step that hands every column on unchanged (``"passthrough"``, a
``FunctionTransformer()`` of no function) or inside a nested Pipeline was not recognised, and
a date it drops was refused with no way forward (hostile43f's Left).  Steps that may change
the columns (a ``FunctionTransformer`` of a function) still leave it unknown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError
from assay.fairness.unread_columns import unread_declared


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], 300),
            "income": rng.integers(10, 120, 300),
            "applied": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 300), "D"),
        }
    )
    return frame, np.where(frame["income"] + 30 * (frame["sex"] == "M") > 80, "good", "bad")


def _ct() -> ColumnTransformer:
    return ColumnTransformer([("oh", OneHotEncoder(), ["sex"]), ("num", "passthrough", ["income"])])


def test_a_column_transformer_behind_steps_that_hand_columns_on_is_read(tmp_path: Path) -> None:
    frame, label = _frame()
    inner = Pipeline([("same", FunctionTransformer()), ("noop", "passthrough"), ("ct", _ct())])
    nested = Pipeline([("prep", inner), ("tree", DecisionTreeClassifier(max_depth=4))]).fit(
        frame, label
    )
    assert unread_declared(nested) == ("applied",)  # main: ()
    with pytest.raises(UsageError, match="holds dates or times") as refused:
        assay.check_fairness(nested, frame, protected="sex", max_queries=200, store=tmp_path / "s")
    assert "never reads it" in str(refused.value)
    changing = Pipeline(
        [
            ("f", FunctionTransformer(lambda x: x)),
            ("ct", _ct()),
            ("tree", DecisionTreeClassifier(max_depth=4)),
        ]
    ).fit(frame, label)
    assert unread_declared(changing) == ()  # (a function may change the columns: unknown)
