"""hostile41f: an XGBoost model is fitted on labels encoded as numbers (it takes only 0 to
K-1); the data's label column holds the names ('approved', 'denied').  The refusal named the
classes 0, 1 and nothing else: no way forward (``--classes approved,denied`` is refused too,
the model names its own classes).  It now says why and how to give the labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

import assay
from assay.errors import UsageError


def test_names_as_labels_of_a_model_of_numbered_classes_say_how_to_give_them(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 200), "income": rng.normal(size=200)})
    named = np.where(frame["income"] + frame["sex"] > 0.5, "approved", "denied")
    model = xgb.XGBClassifier(n_estimators=3).fit(frame, (named == "approved").astype(int))
    with pytest.raises(UsageError, match="is not one of the model's classes: 0, 1") as refused:
        assay.check_fairness(
            model,
            frame.assign(outcome=named),
            protected="sex",
            label="outcome",
            max_queries=200,
            store=tmp_path / "s",
        )
    assert "encoded as numbers" in str(refused.value)
    assert "encoder.transform" in str(refused.value)
