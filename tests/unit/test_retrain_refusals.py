"""``--retrain`` on a model it cannot refit is refused before any run (never a crash after
the search), and a retraining that kept no round writes no "retrained" model (it would be
the original, deployed as a fix)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore
from assay.errors import UsageError


def _people(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "job": rng.choice(["clerk", "nurse", "engineer"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    df["approved"] = np.where((df["hours"] > 38) & (df["job"] != "clerk"), "yes", "no")
    return df


class Rule:
    """Answers like a fitted scikit-learn classifier, and has no ``fit``."""

    classes_ = np.array(["no", "yes"])
    feature_names_in_ = np.array(["age", "sex", "job", "hours"], dtype=object)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.where((X["hours"] > 38) & (X["sex"] == "Male"), "yes", "no")


def _retrain(model: object, data: pd.DataFrame, **kw: object) -> assay.FairnessResult:
    return assay.check_fairness(
        model, data=data, protected="sex", retrain=True, max_queries=3000, seed=1, **kw
    )


def _tree(df: pd.DataFrame, encoded: list[str], passed: list[str]) -> object:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    columns = ColumnTransformer([("oh", OneHotEncoder(), encoded), ("n", "passthrough", passed)])
    tree = DecisionTreeClassifier(random_state=0)
    X = df[["age", "sex", "job", "hours"]]  # every column; the pipeline takes what it reads
    return Pipeline([("ct", columns), ("tree", tree)]).fit(X, df["approved"])


def test_a_model_without_fit_is_refused_before_a_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match="has no fit or get_params") as err:
        _retrain(Rule(), _people(), label="approved", store=store)
    assert "cannot be refit" in str(err.value)
    assert not store.exists() or RunStore(store).list_runs() == []


@pytest.mark.parametrize("model", ["http://127.0.0.1:9/predict", "model.onnx", "net.pt"])
def test_a_served_or_graph_model_is_refused_before_it_is_asked(model: str) -> None:
    with pytest.raises(UsageError, match="cannot be refit"):
        _retrain(model, _people(), label="approved")


def test_no_labels_says_what_is_missing() -> None:
    df = _people()
    pipe = _tree(df, ["sex", "job"], ["age", "hours"])
    with pytest.raises(UsageError, match="labelled rows, and none were given"):
        _retrain(pipe, df.drop(columns="approved")[["sex", "job", "age", "hours"]])


def test_no_round_kept_writes_no_retrained_model(tmp_path: Path) -> None:
    df = _people()
    pipe = _tree(df, ["job"], ["age", "hours"])  # never sees sex: no round can lower the share
    out = tmp_path / "models"
    r = _retrain(pipe, df, label="approved", store=tmp_path / "runs.db", retrain_dir=out)
    assert r.mitigation is not None and r.mitigation["kept"] == 0
    assert r.mitigation["saved"] == [] and not list(out.glob("retrained*"))
    assert "no retrained model was written" in r.mitigation["text"]
