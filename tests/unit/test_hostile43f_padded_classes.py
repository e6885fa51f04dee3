"""hostile43f: a model fitted on labels exported with padding and mixed case (``' Good '``,
``'BAD'``).  ``favourable="good"`` was refused as "not one of the model's classes:  Good ,
BAD": the spaces invisible, the user typing ``Good`` next and refused again.  The classes are
now quoted when spaces surround them, and the one class that differs only in spaces or case
is named as it must be typed; the same for a label column in another case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError


def _data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 200), "income": rng.integers(0, 9, 200)})
    good = frame["income"] + 3 * frame["sex"] > 5
    return frame, np.where(good, " Good ", "BAD")


def test_a_favourable_class_in_another_case_is_named_as_it_must_be_typed(
    tmp_path: Path,
) -> None:
    frame, label = _data()
    model = DecisionTreeClassifier(max_depth=3).fit(frame, label)
    with pytest.raises(UsageError, match="' Good ', BAD") as refused:
        assay.check_fairness(
            model, frame, protected="sex", favourable="good", max_queries=200, store=tmp_path / "s"
        )
    assert "--favourable ' Good '" in str(refused.value)
    assert "favourable=' Good '" in str(refused.value)


def test_a_label_column_in_another_case_says_which_class_it_is_near(tmp_path: Path) -> None:
    frame, label = _data()
    model = DecisionTreeClassifier(max_depth=3).fit(frame, label)
    with pytest.raises(UsageError, match="' Good ', BAD") as refused:
        assay.check_fairness(
            model,
            frame.assign(y=np.char.lower(np.char.strip(label.astype(str)))),
            protected="sex",
            label="y",
            max_queries=200,
            store=tmp_path / "s",
        )
    assert "differs from it only in spaces or case" in str(refused.value)
