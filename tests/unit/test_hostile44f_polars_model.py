"""hostile44f: a Pipeline fitted on a polars DataFrame whose first step calls polars' own API
(``FunctionTransformer(lambda X: X.with_columns(...))``) was given pandas DataFrames, the
user's polars data too: "the model raised AttributeError: 'DataFrame' object has no attribute
'with_columns'" (exit 3, a model failure, with no word of polars), from Python and from the
command line with a Parquet file alike.  A model failing on its two probe rows as a pandas
DataFrame that answers them as a polars one is now given polars DataFrames, and the run says
so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay

SAID = "answered them as a polars DataFrame: it is given polars DataFrames"


def _in_thousands(x: pl.DataFrame) -> pl.DataFrame:
    return x.with_columns(pl.col("income") / 1000)


def _frame(biased: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n), "income": rng.integers(10, 200, n) * 100}
    )
    score = frame["income"] / 20_000 + rng.normal(0, 0.1, n)
    if biased:
        score = score + 0.4 * (frame["sex"] == "M")
    return frame.assign(label=np.where(score > np.median(score), "good", "bad"))


def _polars_pipeline(frame: pd.DataFrame, reads_sex: bool) -> Pipeline:
    columns = ["sex"] if reads_sex else []
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), columns), ("n", "passthrough", ["income"])]
    )
    model = Pipeline(
        [
            ("thousands", FunctionTransformer(_in_thousands)),
            ("ct", front),
            ("dt", DecisionTreeClassifier(max_depth=5, random_state=0)),
        ]
    )
    return model.fit(pl.from_pandas(frame[["sex", "income"]]), frame["label"].to_numpy())


@pytest.mark.parametrize("form", ["polars", "parquet", "pandas"])
def test_a_pipeline_fitted_on_polars_is_given_polars(tmp_path: Path, form: str) -> None:
    frame = _frame(biased=True)
    model = _polars_pipeline(frame, reads_sex=True)
    data: object = pl.from_pandas(frame) if form == "polars" else frame
    if form == "parquet":  # (the model's module imports polars: a data file's run tries it)
        frame.to_parquet(tmp_path / "d.parquet")
        data = tmp_path / "d.parquet"
    result = assay.check_fairness(
        model, data, protected="sex", label="label", max_queries=600, seed=1, store=tmp_path / "s"
    )
    assert result.n_findings > 0 and not result.passed
    assert [n for n in result.notes if SAID in n]
    found = result.findings(limit=None)
    asked = pl.from_pandas(found[["sex", "income"]])
    assert list(found["prediction"]) == list(model.predict(asked))


def test_a_polars_pipeline_blind_to_sex_passes(tmp_path: Path) -> None:
    frame = _frame(biased=False)
    model = _polars_pipeline(frame, reads_sex=False)
    result = assay.check_fairness(
        model,
        pl.from_pandas(frame),
        protected="sex",
        label="label",
        max_queries=600,
        seed=1,
        store=tmp_path / "s",
    )
    assert result.n_findings == 0 and result.passed
    assert [n for n in result.notes if SAID in n]


def test_a_model_failing_on_pandas_and_polars_is_the_pandas_failure(tmp_path: Path) -> None:
    frame = _frame(biased=True)
    model = _polars_pipeline(frame, reads_sex=True)
    model.steps[0][1].func = lambda x: x.nothing_has_this  # (fitted, broken since)
    with pytest.raises(assay.ModelError, match="'DataFrame' object has no attribute"):
        assay.check_fairness(
            model, pl.from_pandas(frame), protected="sex", max_queries=300, store=tmp_path / "s"
        )


def test_a_booster_fitted_on_categories_tells_a_polars_user_the_cast(tmp_path: Path) -> None:
    lightgbm = pytest.importorskip("lightgbm")
    frame = _frame(biased=True)
    fitted_on = frame[["sex", "income"]].astype({"sex": "category"})
    model = lightgbm.LGBMClassifier(n_estimators=20, verbose=-1)
    model.fit(fitted_on, frame["label"])
    data = pl.from_pandas(frame)
    with pytest.raises(assay.ModelError) as refused:
        assay.check_fairness(model, data, protected="sex", max_queries=300, store=tmp_path / "a")
    cast = "data.with_columns(pl.col(['sex']).cast(pl.Categorical))"
    assert cast in str(refused.value)
    data = data.with_columns(pl.col(["sex"]).cast(pl.Categorical))  # as said
    result = assay.check_fairness(
        model, data, protected="sex", max_queries=300, seed=1, store=tmp_path / "b"
    )
    assert result.n_findings > 0
