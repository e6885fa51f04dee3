"""hostile44f: XGBoost fitted on a boolean label (``y = frame.default``, ``True``/``False``)
names its classes ``0``, ``1``; the same frame's label column was refused: "label value
'False' (row 1) is not one of the model's classes: 0, 1 (numbers: ... the data's labels are
names)".  A boolean and a class of its number are one label (``True == 1``, as Python and
scikit-learn compare them), either way round."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 300), "income": rng.integers(0, 9, 300)})
    noise = rng.normal(0, 2, 300)
    return frame.assign(repaid=(frame["income"] + 3 * frame["sex"] + noise) > 5)


def _accuracy(tmp_path: Path, model: object, frame: pd.DataFrame) -> float:
    """The accuracy the group metrics read off a run with ``frame``'s label column."""
    result = assay.check_fairness(
        model,
        frame,
        protected="sex",
        label="repaid",
        max_queries=1000,
        seed=1,
        store=tmp_path / "s",
    )
    return float(result.group_metrics().overall["accuracy"])


def test_xgboost_fitted_on_booleans_takes_the_boolean_label_column(tmp_path: Path) -> None:
    xgboost = pytest.importorskip("xgboost")
    frame = _frame()
    model = xgboost.XGBClassifier(n_estimators=20, max_depth=3).fit(
        frame[["sex", "income"]], frame["repaid"]
    )
    assert [int(c) for c in model.classes_] == [0, 1]
    accuracy = _accuracy(tmp_path, model, frame)
    predicted = model.predict(frame[["sex", "income"]]).astype(bool)
    assert 0.6 < accuracy < 1
    assert accuracy == pytest.approx(float(np.mean(predicted == frame["repaid"])))


def test_a_model_fitted_on_booleans_takes_a_label_column_of_0_and_1(tmp_path: Path) -> None:
    frame = _frame()
    model = DecisionTreeClassifier(max_depth=2, random_state=0)
    model.fit(frame[["sex", "income"]], frame["repaid"])
    coded = frame.assign(repaid=frame["repaid"].astype(int))
    predicted = model.predict(frame[["sex", "income"]])
    assert _accuracy(tmp_path, model, coded) == pytest.approx(
        float(np.mean(predicted == frame["repaid"]))
    )


def test_a_label_of_another_name_is_still_refused(tmp_path: Path) -> None:
    frame = _frame()
    model = DecisionTreeClassifier(max_depth=4).fit(frame[["sex", "income"]], frame["repaid"])
    with pytest.raises(assay.UsageError, match=r"'(yes|no)' .* is not one of the model's classes"):
        assay.check_fairness(
            model,
            frame.assign(repaid=np.where(frame["repaid"], "yes", "no")),
            protected="sex",
            label="repaid",
            max_queries=300,
            store=tmp_path / "s",
        )
