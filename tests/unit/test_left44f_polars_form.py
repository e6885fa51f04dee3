"""left44f: a Pipeline fitted on polars whose first step calls polars' own API.

``--retrain`` of a Pipeline fitted on polars whose first step calls polars' own
API.  hostile44f made the run give such a model polars DataFrames; the retraining's refits
and their measures still built pandas ones, so the run's search found what it found and the
retraining ended on a bare "AttributeError: 'DataFrame' object has no attribute
'with_columns'".  The refits are now given the form the run found the model needs.

A data file's run finds the model needs polars at its first call, after the notes printed
before the run: its note was among the stored notes only, never on the terminal.  It is now
said there when learnt."""

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
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register


def in_thousands(x: pl.DataFrame) -> pl.DataFrame:
    return x.with_columns(pl.col("income") / 1000)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n), "income": rng.integers(10, 200, n) * 100}
    )
    score = frame["income"] / 20_000 + rng.normal(0, 0.1, n) + 0.4 * (frame["sex"] == "M")
    return frame.assign(label=np.where(score > np.median(score), "good", "bad"))


def _polars_pipeline(frame: pd.DataFrame) -> Pipeline:
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"]), ("n", "passthrough", ["income"])]
    )
    model = Pipeline(
        [
            ("thousands", FunctionTransformer(in_thousands)),
            ("ct", front),
            ("dt", DecisionTreeClassifier(max_depth=5, random_state=0)),
        ]
    )
    return model.fit(pl.from_pandas(frame[["sex", "income"]]), frame["label"].to_numpy())


@pytest.mark.parametrize("form", ["polars", "pandas"])
def test_a_polars_pipeline_is_retrained_on_polars_frames(tmp_path: Path, form: str) -> None:
    frame = _frame()
    model = _polars_pipeline(frame)
    data: object = pl.from_pandas(frame) if form == "polars" else frame
    result = assay.check_fairness(
        model,
        data,
        protected="sex",
        label="label",
        max_queries=600,
        seed=1,
        store=tmp_path / "s",
        retrain=True,
        retrain_dir=tmp_path / "m",
        max_accuracy_loss=100,  # (a round kept: a model written, refit on polars)
    )
    assert result.n_findings > 0
    mitigation = result.mitigation
    assert mitigation is not None and mitigation["kept"], mitigation
    refit = mitigation["rounds"][0]
    assert refit["added_rows"] > 0 and refit["accuracy"] > 0.5
    assert mitigation["saved"]


def test_a_data_files_run_says_the_model_is_given_polars(tmp_path: Path) -> None:
    joblib = pytest.importorskip("joblib")
    frame = _frame()
    joblib.dump(_polars_pipeline(frame), tmp_path / "m.joblib")
    frame.to_parquet(tmp_path / "d.parquet")
    args = ["fairness", str(tmp_path / "m.joblib"), "--allow-pickle"]
    args += ["--data", str(tmp_path / "d.parquet"), "--protected", "sex", "--label", "label"]
    args += ["--max-queries", "600", "--seed", "1", "--store", str(tmp_path / "s.db")]
    register()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    said = "note: the model failed on its first rows as a pandas DataFrame and answered them"
    assert result.output.count(said) == 1, result.output
