"""left44f: an index level the model declares as a feature (in ``feature_names_in_``) and no
option names.  hostile44f read as columns the index levels named by ``--protected`` or
``--label``; a frame indexed by ``set_index(["id", "income"])`` (income a feature) was still
refused, "the model was fitted on a column the data lacks: income".  Such a level is now
read as a column (the user's frame unchanged, the figures those of the plain frame), from a
DataFrame and from a Parquet file written from one, the model in memory or in a file; a
level the model does not declare (``id``) stays an index."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay


def _people() -> tuple[pd.DataFrame, Pipeline]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {"id": np.arange(n), "sex": rng.choice(["F", "M"], n), "income": rng.integers(0, 50, n)}
    )
    score = frame["income"] + 15 * (frame["sex"] == "M") + rng.normal(0, 5, n)
    frame["label"] = np.where(score > np.median(score), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))])
    return frame, model.fit(frame[["sex", "income"]], frame["label"])


def _shares(result: assay.FairnessResult) -> tuple[float, float]:
    verdict = result.summary["verdict"][0]
    return verdict["share_uniform"], verdict["share_data"]


@pytest.mark.parametrize("where", ["frame", "parquet", "model file"])
def test_an_index_level_the_model_declares_is_a_column(tmp_path: Path, where: str) -> None:
    frame, model = _people()
    options = {"protected": "sex", "label": "label", "max_queries": 600, "seed": 1}
    plain = assay.check_fairness(model, frame.drop(columns="id"), store=tmp_path / "a", **options)
    indexed = frame.set_index(["id", "income"])
    before = indexed.copy()
    data: object = indexed
    given: object = model
    if where != "frame":
        indexed.to_parquet(tmp_path / "d.parquet")
        data = tmp_path / "d.parquet"
    if where == "model file":
        joblib.dump(model, tmp_path / "m.joblib")
        given, options = str(tmp_path / "m.joblib"), {**options, "allow_pickle": True}
    result = assay.check_fairness(given, data, store=tmp_path / "b", **options)
    assert result.n_findings == plain.n_findings > 0
    assert _shares(result) == _shares(plain)
    assert {"sex", "income"} <= set(result.findings(limit=None).columns)
    pd.testing.assert_frame_equal(indexed, before)


def test_a_level_the_model_does_not_declare_is_still_refused(tmp_path: Path) -> None:
    frame, model = _people()
    with pytest.raises(assay.UsageError, match="income"):
        assay.check_fairness(
            model,
            frame.set_index(["id"]).rename(columns={"income": "salary"}),
            protected="sex",
            max_queries=300,
            store=tmp_path / "s",
        )
