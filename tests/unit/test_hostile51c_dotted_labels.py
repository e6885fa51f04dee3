"""UCI Adult's test file writes its labels ``<=50K.``, ``>50K.`` (a final full stop) where a
model fitted on its training file has the classes ``<=50K``, ``>50K`` (hostile51c): the
refusal named neither the label column nor the stop, and said nothing of how to give them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.fairness.label_forms import dotted_class


def test_the_refusal_names_the_column_and_the_line_that_strips_the_stops(
    tmp_path: Path,
) -> None:
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"sex": rng.integers(0, 2, 200), "hours": rng.integers(1, 60, 200)})
    y = np.where(x["hours"] > 30, ">50K", "<=50K")
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(x, y)
    test = x.assign(income=[f"{v}." for v in y])
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(
            model, test, protected="sex", label="income", max_queries=300, seed=1,
            store=tmp_path / "st.db",
        )  # fmt: skip
    said = str(refused.value)
    assert "(row 1, column 'income')" in said
    assert "differs from it only by its final '.'" in said
    assert "frame['income'] = frame['income'].str.rstrip('.')" in said
    test["income"] = test["income"].str.rstrip(".")  # (followed as said, the run is made)
    result = assay.check_fairness(
        model, test, protected="sex", label="income", max_queries=300, seed=1,
        store=tmp_path / "st.db",
    )  # fmt: skip
    assert result.status == "completed"


def test_only_a_final_stop_onto_one_class_is_said() -> None:
    assert dotted_class(">50K.", ("<=50K", ">50K"), "income").startswith("; the model's")
    assert dotted_class(">50K", ("<=50K", ">50K"), "income") == ""
    assert dotted_class("x.", ("<=50K", ">50K"), "income") == ""
    assert dotted_class("a.", ("a", "b."), "y") == ""  # (classes written with stops)
