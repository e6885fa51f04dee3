"""``favourable=`` given as the Python value of a class (hostile51c): ``favourable=False``
for a boolean label (no reoffence) and ``favourable=1`` failed with ``AttributeError: 'bool'
object has no attribute 'isdigit'``; a boolean names the class of its number too (XGBoost
fitted on a boolean label names its classes 0, 1), on the command line as in Python."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.fairness.favourable_given import as_class_text
from assay.fairness.verdict import favourable_class


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"sex": rng.integers(0, 2, 300), "priors": rng.integers(0, 9, 300)})
    return x.assign(reoffended=(x["priors"] > 4) | ((x["sex"] == 1) & (x["priors"] > 2)))


@pytest.mark.parametrize("given", [False, np.False_, 0])
def test_a_boolean_or_number_names_the_favourable_class(tmp_path: Path, given: object) -> None:
    from sklearn.tree import DecisionTreeClassifier

    frame = _frame()
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(
        frame[["sex", "priors"]], frame["reoffended"].astype(int)
    )  # (classes 0, 1, as XGBoost names a boolean label's)
    result = assay.check_fairness(
        model, frame, protected="sex", label="reoffended", favourable=given,
        max_queries=300, seed=1, store=tmp_path / "st.db",
    )  # fmt: skip
    from assay.fairness.technique import favourable_of

    assert result.status == "completed" and result.setup is not None
    index, name, how = favourable_of(result.setup.test, result.setup.model.capabilities)
    assert (index, name, how) == (0, "0", "named by the user (--favourable)")


def test_the_texts_and_the_twins() -> None:
    assert [as_class_text(v) for v in (False, np.True_, 1, np.int64(2), 1.0, "x", None)] == [
        "False", "True", "1", "2", "1", "x", None,
    ]  # fmt: skip
    assert favourable_class(("0", "1"), 2, "False")[:2] == (0, "0")
    assert favourable_class(("False", "True"), 2, "1")[:2] == (1, "True")
    assert favourable_class(("no", "yes"), 2, "1")[:2] == (1, "yes")  # (by position, as before)
