"""hostile43f: a protected column of a DataFrame holding empty text (``''``: a form's field
left blank, exported as text) beside ``F``/``M``.  pandas reads ``''`` as a value, not as
missing, so it was tested as a third sex, with no word said (a run with ``''`` and ``' '``
was warned of their likeness, one with ``''`` alone of nothing).  It is now a warning naming
the value and how to make it missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay


def test_empty_text_in_a_protected_column_is_warned_of(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    sex = rng.choice(["F", "M"], 300).astype(object)
    sex[rng.random(300) < 0.1] = ""
    frame = pd.DataFrame({"sex": sex, "income": rng.integers(0, 9, 300)})
    label = np.where(frame["income"] + 3 * (frame["sex"] == "M") > 5, "good", "bad")
    front = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(max_depth=3))])
    model.fit(frame, label)
    result = assay.check_fairness(
        model, frame, protected="sex", max_queries=300, seed=1, store=tmp_path / "s"
    )
    said = [w for w in result.warnings if "empty text" in w]
    assert len(said) == 1 and "sex ('')" in said[0]
    assert "missing='value'" in said[0]
    assert "''" in set(result.findings()["sex"].map(repr))  # tested, as said
