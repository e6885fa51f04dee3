"""A whole-number column read by a strict encoder (``OneHotEncoder()`` on ``age`` 20/30/40/50)
was refused "column 'age' holds 21, 22, ... which the model's OneHotEncoder was not fitted
on ...; set those rows aside" — no data row holds them: the search asks every number of the
column's range (hostile51c).  Now said so, with the way on: the column as categories."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from test_left52_single_value import refusal

import assay


def _fitted() -> tuple[object, pd.DataFrame]:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"age": rng.choice([20, 30, 40, 50], 300), "sex": rng.choice(["F", "M"], 300)}
    )
    model = Pipeline(
        [
            ("ct", ColumnTransformer([("o", OneHotEncoder(), ["age", "sex"])])),
            ("m", LogisticRegression()),
        ]
    ).fit(frame, (frame["age"] > 35).astype(int))
    return model, frame


def test_the_range_s_numbers_are_said_with_the_way_on(tmp_path: Path) -> None:
    model, frame = _fitted()
    said = refusal(model, frame, tmp_path / "s.db")
    assert "column 'age' is read as whole numbers from 20 to 50" in said
    assert "fitted on 20, 30, 40, 50 only and refuses the others (21, 22, 23" in said
    assert "rows aside" not in said
    assert "frame.astype({'age': 'category'})" in said
    # followed as said, the run is made
    done = assay.check_fairness(
        model, frame.astype({"age": "category"}), protected="sex", max_queries=300, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    assert done.status == "completed"
