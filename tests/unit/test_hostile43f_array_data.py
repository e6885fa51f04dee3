"""hostile43f: a notebook gives ``X_test.to_numpy()`` (or a scaler's output) as data to a
model fitted on a DataFrame: refused with "give a pandas DataFrame with named columns
(`pandas.DataFrame(array, columns=[...])`)", the columns to give left to guess though the
model names them.  The refusal now names them and the one-line way back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError


def test_an_array_for_a_model_of_named_columns_is_told_to_take_them(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 100), "income": rng.integers(0, 9, 100)})
    model = DecisionTreeClassifier(max_depth=2).fit(frame, frame["income"] > 4)
    with pytest.raises(UsageError, match=r"fitted on a DataFrame of 2 named columns \(sex, income"):
        assay.check_fairness(
            model, frame.to_numpy(), protected="sex", max_queries=100, store=tmp_path / "s"
        )
    with pytest.raises(UsageError, match=r"columns=model\.feature_names_in_"):
        assay.check_fairness(
            model, frame.to_numpy(), protected="sex", max_queries=100, store=tmp_path / "s"
        )
    with pytest.raises(UsageError, match=r"columns=\[\.\.\.\]"):  # (another width: no names)
        assay.check_fairness(
            model, frame.to_numpy()[:, :1], protected="sex", max_queries=100, store=tmp_path / "s"
        )
