"""hostile43f: a Pipeline fitted on a whole DataFrame declares every column of it
(``feature_names_in_``), a date and a duration too, though its ``ColumnTransformer`` reads a
few by name and drops the rest.  assay refused the date ("set it aside: drop=['applied']"),
then, set aside, refused the model ("the model's features missing here: applied, tenure"):
no way forward.  Both refusals now say the model never reads them and what to give instead,
and that way forward runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError
from assay.fairness.unread_columns import unread_declared


def _frame_and_model(remainder: str = "drop") -> tuple[pd.DataFrame, Pipeline]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "income": rng.integers(10, 120, n),
            "applied": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "tenure": pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        }
    )
    label = np.where(frame["income"] + 30 * (frame["sex"] == "M") > 80, "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(), ["sex"]), ("num", "passthrough", ["income"])],
        remainder=remainder,
    )
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=4))])
    if remainder == "passthrough":  # (the tree reads what passes: numbers)
        frame = frame.assign(applied=frame["applied"].dt.day, tenure=frame["tenure"].dt.days)
    return frame.assign(label=label), model.fit(frame, label)


def test_a_date_the_model_declares_and_drops_is_refused_with_the_way_forward(
    tmp_path: Path,
) -> None:
    data, model = _frame_and_model()
    with pytest.raises(UsageError, match="holds dates or times") as refused:
        assay.check_fairness(
            model, data, protected="sex", label="label", max_queries=300, store=tmp_path / "s"
        )
    said = str(refused.value)
    assert "never reads it" in said and "data.assign(applied=0)" in said
    assert "--drop" not in said  # (setting it aside is refused by the model itself)
    with pytest.raises(UsageError, match="features missing here") as missing:
        assay.check_fairness(
            model,
            data,
            protected="sex",
            label="label",
            drop=["applied", "tenure"],
            max_queries=300,
            store=tmp_path / "s",
        )
    assert "data.assign(applied=0, tenure=0)" in str(missing.value)
    result = assay.check_fairness(
        model,
        data.assign(applied=0, tenure=0),
        protected="sex",
        label="label",
        max_queries=300,
        seed=1,
        store=tmp_path / "s",
    )
    assert result.n_findings > 0


def test_only_columns_no_transformer_reads_are_called_unread() -> None:
    _, dropping = _frame_and_model()
    assert unread_declared(dropping) == ("applied", "tenure")
    _, passing = _frame_and_model(remainder="passthrough")
    assert unread_declared(passing) == ()
    assert unread_declared(DecisionTreeClassifier()) == ()
