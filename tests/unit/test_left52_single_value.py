"""A protected attribute the data holds one value of (a file of men only) is refused: nothing
could be tested.  The refusal did not say which values the model accepts, though its encoder
was fitted on them (hostile51c): it now names them, for an estimator given in Python and a
model file given on the command line alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

register()


def _fitted() -> tuple[object, pd.DataFrame]:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"age": rng.integers(20, 60, 300), "sex": rng.choice(["Female", "Male", "Other"], 300)}
    )
    model = Pipeline(
        [
            (
                "ct",
                ColumnTransformer(
                    [("o", OneHotEncoder(handle_unknown="ignore"), ["sex"])],
                    remainder="passthrough",
                ),
            ),
            ("m", LogisticRegression(max_iter=300)),
        ]
    ).fit(frame, (frame["age"] > 40).astype(int))
    return model, frame[frame["sex"] == "Male"]


_SAID = "the model's encoder was fitted on 'Female', 'Male', 'Other' for 'sex'"


def refusal(model: object, data: object, store: Path) -> str:
    """The ``UsageError`` of a fairness check of ``sex`` in ``data``, refused before any run."""
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(model, data, protected="sex", max_queries=200, seed=1, store=store)
    return str(refused.value)


def test_an_estimator_s_encoder_values_are_named(tmp_path: Path) -> None:
    model, men = _fitted()
    said = refusal(model, men, tmp_path / "s.db")
    assert "takes a single value (Male)" in said
    assert _SAID in said


def test_a_model_file_s_encoder_values_are_named(tmp_path: Path) -> None:
    import skops.io as sio

    model, men = _fitted()
    sio.dump(model, tmp_path / "m.skops")
    men.to_csv(tmp_path / "men.csv", index=False)
    result = CliRunner().invoke(
        app,
        [
            "fairness",
            str(tmp_path / "m.skops"),
            "--data",
            str(tmp_path / "men.csv"),
            "--protected",
            "sex",
            "--max-queries",
            "200",
            "--store",
            str(tmp_path / "s.db"),
        ],
    )
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "takes a single value (Male)" in said
    assert _SAID in said


def test_a_model_showing_no_encoder_adds_nothing(tmp_path: Path) -> None:
    men = pd.DataFrame({"age": [30, 50, 45], "sex": ["Male"] * 3})
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(
            lambda rows: np.zeros(len(rows), dtype=int),
            men,
            protected="sex",
            max_queries=100,
            seed=1,
            store=tmp_path / "s.db",
        )
    assert "encoder" not in str(refused.value)
