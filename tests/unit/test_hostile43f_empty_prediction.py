"""hostile43f: ``findings(limit=0)["prediction"]`` was ``object`` where ``findings()`` gives
the dtype of the model's classes (``str`` for names under pandas 3, ``bool`` for a model
fitted on booleans): code written on the columns alone (a frame to concatenate, a dtype
check) met another dtype than the IDIs'."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay


@pytest.mark.parametrize("named", [True, False])
def test_the_columns_alone_have_the_predictions_dtype(tmp_path: Path, named: bool) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 200), "income": rng.integers(0, 9, 200)})
    good = frame["income"] + 3 * frame["sex"] > 5
    model = DecisionTreeClassifier(max_depth=3).fit(
        frame, np.where(good, "good", "bad") if named else good.to_numpy()
    )
    result = assay.check_fairness(
        model, frame, protected="sex", max_queries=300, seed=1, store=tmp_path / "s"
    )
    found = result.findings()
    assert len(found)
    assert result.findings(limit=0)["prediction"].dtype == found["prediction"].dtype
