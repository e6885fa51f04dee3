"""A Pipeline whose OneHotEncoder keeps ``handle_unknown='error'`` met data holding a value it
was not fitted on (a ``workclass`` of ``Space-gov`` in two rows; a race ``Martian`` in three):
the run began and failed at its first batch holding it ("the model raised ValueError: Found
unknown categories ['Space-gov'] in column 0", a failed run stored, exit 3) (hostile51c).
Now refused before any run, naming the column, the value and its rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay


def _fitted(handle_unknown: str) -> tuple[object, pd.DataFrame]:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "work class": rng.choice(["Private", "State-gov"], 400),
            "race": rng.choice(["A", "B"], 400),
            "hours": rng.integers(1, 60, 400),
        }
    )
    frame["label"] = np.where((frame["race"] == "A") & (frame["hours"] > 30), "hi", "lo")
    encoder = OneHotEncoder(handle_unknown=handle_unknown)
    model = Pipeline(
        [
            (
                "ct",
                ColumnTransformer(
                    [("o", encoder, ["work class", "race"])], remainder="passthrough"
                ),
            ),
            ("m", LogisticRegression(max_iter=300)),
        ]
    ).fit(frame.drop(columns="label"), frame["label"])
    return model, frame


@pytest.mark.parametrize("column", ["work class", "race"])
def test_a_value_the_encoder_refuses_is_refused_before_any_run(tmp_path: Path, column: str) -> None:
    model, frame = _fitted("error")
    frame.index = frame.index + 100  # (a row named by its index label too)
    frame.loc[[103, 107], column] = "Martian"
    store = tmp_path / "st.db"
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(
            model, frame, protected="race", label="label", max_queries=500, seed=1, store=store
        )
    said = str(refused.value)
    assert f"row 4 (index 103), column {column!r}: the value is 'Martian' (2 data rows)" in said
    assert "handle_unknown='error'" in said
    assert not store.exists() or assay.RunStore(store).list_runs() == []


def test_an_encoder_reading_unknown_values_is_tested_as_before(tmp_path: Path) -> None:
    model, frame = _fitted("ignore")
    frame.loc[[3, 7], "work class"] = "Space-gov"
    result = assay.check_fairness(
        model, frame, protected="race", label="label", max_queries=500, seed=1,
        store=tmp_path / "st.db",
    )  # fmt: skip
    assert result.status == "completed"
