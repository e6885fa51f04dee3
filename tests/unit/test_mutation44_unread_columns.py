"""mutation44: the columns a ColumnTransformer selects other than by name (``unread_columns.
_selected``, hostile43f/left43f).

Their tests selected by name only: a slice read as unknown, a boolean mask ignored (its
True and False read as positions 1 and 0) or read inverted passed them.  The last two call a
column the model reads "never read", and the refusal then tells the user to give it as 0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError
from assay.fairness.unread_columns import unread_declared, unread_hint


def _fitted(columns: Any) -> Pipeline:
    """A Pipeline fitted on applied, sex and income that reads sex and income only."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "applied": rng.integers(0, 365, 200),
            "sex": rng.integers(0, 2, 200),
            "income": rng.integers(10, 120, 200),
        }
    )
    label = np.where(frame["income"] + 30 * frame["sex"] > 80, "good", "bad")
    front = ColumnTransformer([("oh", OneHotEncoder(), columns)], remainder="drop")
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=3))])
    return model.fit(frame, label)


@pytest.mark.parametrize(
    "columns",
    [
        [1, 2],
        np.array([1, 2]),
        [-2, -1],
        slice(1, 3),
        [False, True, True],
        np.array([False, True, True]),
    ],
    ids=["positions", "numpy", "negative", "slice", "mask", "numpy-mask"],
)
def test_columns_selected_by_position_slice_or_mask_are_read(columns: Any) -> None:
    model = _fitted(columns)
    assert unread_declared(model) == ("applied",)
    hint = unread_hint(["applied"], model)
    assert "never reads it" in hint and "data.assign(applied=0)" in hint
    assert unread_hint(["income"], model) == ""  # read: no advice to give it as 0


@pytest.mark.parametrize(
    ("columns", "unread"),
    [(slice("sex", "income"), ("applied",)), (slice("sex", None), ("applied",)),
     (slice(None, "sex"), ("income",))],
)  # fmt: skip
def test_columns_selected_by_a_slice_of_names_are_read(
    columns: slice, unread: tuple[str, ...]
) -> None:
    """scikit-learn takes a slice of names (both ends included): ``names[slice("sex",
    "income")]`` raised ``TypeError``, and the run ended on it, not on the refusal below."""
    assert unread_declared(_fitted(columns)) == unread


def test_a_date_a_name_sliced_transformer_drops_is_refused_with_the_way_forward(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], 300),
            "income": rng.integers(10, 120, 300),
            "applied": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 300), "D"),
        }
    )
    label = np.where(frame["income"] + 30 * (frame["sex"] == "M") > 80, "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), slice("sex", "income"))]
    )
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=4))])
    model.fit(frame, label)
    with pytest.raises(UsageError, match="holds dates or times") as refused:  # main: TypeError
        assay.check_fairness(model, frame, protected="sex", max_queries=200, store=tmp_path / "s")
    assert "never reads it" in str(refused.value) and "data.assign(applied=0)" in str(refused.value)


def test_a_column_a_numpy_mask_selects_is_never_called_unread(tmp_path: Path) -> None:
    """A NumPy boolean mask's items are ``np.bool_``: read as the positions 0 and 1, the model
    reading sex and income was said never to read income, and a run missing income was told
    to give it as 0 (every answer then the model's on an income of 0)."""
    model = _fitted(np.array([False, True, True]))
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"applied": rng.integers(0, 365, 100), "sex": rng.integers(0, 2, 100)})
    with pytest.raises(UsageError, match="features missing here") as refused:
        assay.check_fairness(model, frame, protected="sex", max_queries=200, store=tmp_path / "s")
    assert "never reads" not in str(refused.value) and "income=0" not in str(refused.value)


def test_a_column_name_with_a_space_is_given_as_python_and_a_shell_word_can_read() -> None:
    """``data.assign(applied on=0)`` is no Python, and ``(applied on)`` two shell words."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"applied on": rng.integers(0, 365, 200), "sex": rng.integers(0, 2, 200)})
    front = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="drop")
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=2))])
    model.fit(frame, rng.integers(0, 2, 200))
    hint = unread_hint(["applied on"], model)
    assert "data.assign(**{'applied on': 0})" in hint and "('applied on')" in hint, hint


def test_a_date_beside_a_model_fitted_on_an_array_is_refused_as_a_date(tmp_path: Path) -> None:
    """A model fitted on a NumPy array declares no names: nothing is said unread, and the
    date is refused as before (not a ``TypeError`` on the names it lacks)."""
    rng = np.random.default_rng(0)
    x = np.c_[rng.integers(0, 2, 200), rng.integers(10, 120, 200)]
    front = ColumnTransformer([("oh", OneHotEncoder(), [0])], remainder="passthrough")
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=3))])
    model.fit(x, (x[:, 1] > 60).astype(int))
    frame = pd.DataFrame(
        {
            "sex": x[:, 0],
            "income": x[:, 1],
            "applied": pd.Timestamp("2024-01-01") + pd.to_timedelta(x[:, 1], "D"),
        }
    )
    with pytest.raises(UsageError, match="holds dates or times") as refused:
        assay.check_fairness(model, frame, protected="sex", max_queries=200, store=tmp_path / "s")
    assert "never reads" not in str(refused.value)
