"""A notebook user's own model object: ``predict`` and ``classes_ = ["no", "yes"]`` (a plain
list, as the README asks of a function) was refused as "the Client predicts several outputs
at once (multi-output classifier)", the shape scikit-learn gives a multi-output classifier's
``classes_`` (a list of arrays, one per output).  A list of labels is one output's classes;
a real multi-output classifier is still refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.multioutput import MultiOutputClassifier
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.store import RunStore
from assay.errors import UsageError

COLUMNS = ["age", "sex", "hours"]


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 70, 60),
            "sex": rng.choice(["Female", "Male"], 60),
            "hours": rng.integers(10, 60, 60),
        }
    )


class Client:
    """A scoring client of one's own: labels by name, its classes a plain list."""

    def __init__(self) -> None:
        self.classes_ = ["no", "yes"]

    def predict(self, rows: object) -> np.ndarray:
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=COLUMNS)
        return np.where((frame["hours"] > 30) & (frame["sex"] == "Male"), "yes", "no")


def test_an_object_with_a_list_of_classes_is_tested(tmp_path: Path) -> None:
    result = assay.check_fairness(
        Client(),
        data=_people(),
        protected="sex",
        max_queries=2_000,
        seed=0,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert not result.passed and result.status == "completed", result.headline
    found = result.findings()
    assert set(found["prediction"]) == {"no", "yes"}, found.head()


def test_a_multi_output_classifier_is_still_refused(tmp_path: Path) -> None:
    people = _people()
    codes = people.assign(sex=(people["sex"] == "Male").astype(int))
    both = np.column_stack([codes["hours"] > 30, codes["age"] > 40]).astype(int)
    model = MultiOutputClassifier(DecisionTreeClassifier(random_state=0)).fit(codes, both)
    with pytest.raises(UsageError, match="several outputs"):
        assay.check_fairness(
            model, data=codes, protected="sex", max_queries=500, store=RunStore(tmp_path / "r.db")
        )
