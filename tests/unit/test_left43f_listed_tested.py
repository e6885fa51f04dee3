"""left43f: a protected ``category`` column lists ``F``, ``M`` and ``X``; the sample holds no
``X``.  The input space is the schema's: an input with sex ``X`` is one the model answers, so
``X`` is tested as a value of sex where the model was fitted on it (hostile43f withheld the
certificate and left it untested: the model giving every ``X`` the other class passed).  A
value the model's encoder was never fitted on stays untested, and said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay

KINDS = ["F", "M", "X"]


def _frame(n: int, values: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sex": pd.Categorical(rng.choice(values, n), categories=KINDS),
            "income": rng.integers(10, 120, n),
        }
    )


def _model(fitted_on: pd.DataFrame) -> Any:
    label = np.where((fitted_on["income"] > 60) & (fitted_on["sex"] != "X"), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    return Pipeline([("ct", front), ("tree", DecisionTreeClassifier(random_state=0))]).fit(
        fitted_on, label
    )


def test_a_listed_value_the_model_was_fitted_on_is_tested(tmp_path: Path) -> None:
    data = _frame(400, ["F", "M"], 2)
    model = _model(pd.concat([data, _frame(60, ["X"], 3)]))
    result = assay.check_fairness(
        model, data, protected="sex", max_queries=500, seed=1, store=tmp_path / "s"
    )
    verdict = result.summary["verdict"][0]
    # main (hostile43f): level "none found", no certificate, 'X' "never tested"
    assert verdict["level"] == "found" and verdict["share_uniform"] > 0.4
    assert verdict["share_data"] > 0.4  # each row varied to X; the rows are the data's
    assert "untested" not in verdict
    assert not any("never tested" in n for n in result.notes)
    assert any("tested as its values (sex: 'X')" in n for n in result.notes)
    values = set(result.direction["value"].astype(str))
    assert "X" in values
    found = result.findings()
    assert "X" in set(found["sex"].astype(str)) and found["sex"].dtype == data["sex"].dtype


def test_a_listed_value_the_encoder_never_saw_stays_untested(tmp_path: Path) -> None:
    data = _frame(400, ["F", "M"], 2)
    result = assay.check_fairness(
        _model(data), data, protected="sex", max_queries=500, seed=1, store=tmp_path / "s"
    )
    verdict = result.summary["verdict"][0]
    assert verdict["certificate"] is None and "'X'" in verdict["untested"]
    assert any("encoder was not fitted on them" in w for w in result.warnings)
