"""hostile44f: a frame indexed by ``set_index(["id", "sex"])`` (a bank's panel of customers),
or a Parquet file written from one (pandas reads its index back as an index), was refused:
"protected attribute 'sex' is not a column; columns are: income, ..." (the index never
named).  An index level named as the protected attribute or the label is read as a column;
the user's frame is not changed, and the figures are those of the frame without the index."""

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


def _people() -> tuple[pd.DataFrame, Pipeline]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "sex": rng.choice(["F", "M"], n),
            "income": rng.integers(0, 50, n),
        }
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


@pytest.mark.parametrize("levels", [["id", "sex"], ["sex", "label"]])
def test_index_levels_named_protected_or_label_are_columns(
    tmp_path: Path, levels: list[str]
) -> None:
    frame, model = _people()
    options = {"protected": "sex", "label": "label", "max_queries": 600, "seed": 1}
    plain = assay.check_fairness(model, frame, store=tmp_path / "a", **options)
    indexed = frame.set_index(levels)
    before = indexed.copy()
    result = assay.check_fairness(model, indexed, store=tmp_path / "b", **options)
    assert result.n_findings == plain.n_findings > 0
    assert _shares(result) == _shares(plain)
    pd.testing.assert_frame_equal(indexed, before)
    indexed.to_parquet(tmp_path / "d.parquet")
    from_file = assay.check_fairness(model, tmp_path / "d.parquet", store=tmp_path / "c", **options)
    assert _shares(from_file) == _shares(plain)
