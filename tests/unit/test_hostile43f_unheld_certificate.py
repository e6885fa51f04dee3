"""hostile43f: a false certificate.  A protected ``category`` column lists ``F``, ``M`` and
``X``; the sample the user gives holds no ``X`` (a rare group left out), and the model, fitted
on every category, gives every ``X`` the unfavourable class.  The search and the exact analysis
vary the values the data holds: "certified zero" between ``F`` and ``M``, exit 0, and a note
that the model may not read ``sex`` at all, with a warning elsewhere that ``X`` was not
tested.  No certificate is given now; the figures are said to be of the values held."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import UsageError


def test_a_category_no_row_holds_leaves_the_attribute_uncertified(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    kinds = ["F", "M", "X"]
    frame = pd.DataFrame(
        {
            "sex": pd.Categorical(rng.choice(["F", "M"], 400), categories=kinds),
            "income": rng.integers(10, 120, 400),
        }
    )
    label = np.where(frame["income"] > 60, "good", "bad")
    rare = pd.DataFrame(
        {"sex": pd.Categorical(["X"] * 40, categories=kinds), "income": rng.integers(10, 120, 40)}
    )
    front = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(random_state=0))])
    model.fit(pd.concat([frame, rare]), np.concatenate([label, ["bad"] * 40]))
    result = assay.check_fairness(
        model, frame, protected="sex", max_queries=500, seed=1, store=tmp_path / "s"
    )
    verdict = result.summary["verdict"][0]
    # left43f: 'X' is tested now (the model was fitted on it): found, not merely uncertified
    # (test_left43f_listed_tested.py; an encoder never fitted on 'X' leaves it untested)
    assert verdict["certificate"] is None and verdict["level"] == "found"
    assert not any("did not change with sex on" in n for n in result.notes)


def test_a_one_valued_category_column_names_the_values_its_dtype_lists(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "sex": pd.Categorical(["F"] * 100, categories=["F", "M"]),
            "income": rng.integers(0, 9, 100),
        }
    )
    model = DecisionTreeClassifier(max_depth=2).fit(frame[["income"]], frame["income"] > 4)
    with pytest.raises(UsageError, match="single value") as refused:
        assay.check_fairness(model, frame, protected="sex", max_queries=100, store=tmp_path / "s")
    assert "its dtype also lists 'M', which no row holds" in str(refused.value)
