"""The words naming what a model's encoder accepts for a protected attribute the data holds one
value of (``fairness.single_valued``, left52), at the function: the values past eight, a model
file named in capitals, a model wrapped twice, a model object wrapping its estimator, and two
such attributes (mutation52b: S4-S8 survived main's tests)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from assay.fairness.single_valued import encoder_values_said


def _fitted(n_sex: int) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(20, 60, 200),
            "sex": rng.choice([f"s{i}" for i in range(n_sex)], 200),
            "race": rng.choice(["A", "B"], 200),
        }
    )
    frame.loc[: n_sex - 1, "sex"] = [f"s{i}" for i in range(n_sex)]  # (every value held)
    encoders = ColumnTransformer(
        [("o", OneHotEncoder(handle_unknown="ignore"), ["sex", "race"])], remainder="passthrough"
    )
    model = Pipeline([("ct", encoders), ("m", LogisticRegression(max_iter=200))])
    return model.fit(frame, (frame["age"] > 40).astype(int))


def _never(path: str) -> Any:
    raise AssertionError(f"{path} loaded")


def test_eight_values_are_all_shown_and_a_ninth_is_counted() -> None:
    eight = encoder_values_said(_fitted(8), ("sex",), model_type=None, load=_never)
    assert "'s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7' for 'sex'" in eight, eight
    assert "in all" not in eight, eight
    nine = encoder_values_said(_fitted(9), ("sex",), model_type=None, load=_never)
    assert "'s7', ... (9 in all) for 'sex'" in nine and "'s8'" not in nine, nine


def test_two_one_valued_attributes_are_both_named() -> None:
    said = encoder_values_said(_fitted(2), ("sex", "race"), model_type=None, load=_never)
    assert "'s0', 's1' for 'sex'; 'A', 'B' for 'race'" in said, said


def test_a_model_file_named_in_capitals_is_read(tmp_path: Path) -> None:
    path = tmp_path / "M.SKOPS"
    path.write_bytes(b"")
    model = _fitted(2)
    said = encoder_values_said(
        str(path), ("sex",), model_type=None, load=lambda p: SimpleNamespace(estimator=model)
    )
    assert "'s0', 's1' for 'sex'" in said, said


def test_a_model_wrapped_twice_and_a_wrapper_given_in_python_are_read(tmp_path: Path) -> None:
    model = _fitted(2)
    path = tmp_path / "m.skops"
    path.write_bytes(b"")
    twice = SimpleNamespace(inner=SimpleNamespace(inner=SimpleNamespace(estimator=model)))
    said = encoder_values_said(str(path), ("sex",), model_type=None, load=lambda p: twice)
    assert "'s0', 's1' for 'sex'" in said, said
    wrapper = SimpleNamespace(estimator=model)  # (a model loaded by assay, given in Python)
    said = encoder_values_said(wrapper, ("sex",), model_type=None, load=_never)
    assert "'s0', 's1' for 'sex'" in said, said
