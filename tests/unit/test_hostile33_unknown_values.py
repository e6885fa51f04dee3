"""A protected column of which one value only is the model's was refused saying "the
data's values ('F', 'Male') are not among them (bar 1)": 'Male' is among them (hostile33).
Now "only one of the data's values ... is among them"."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.errors import UsageError


def fitted_on_sex() -> tuple[Any, pd.DataFrame]:
    """A pipeline one-hot encoding ``sex`` (Female, Male), and the frame it was fitted on."""
    rng = np.random.default_rng(0)
    fitted = pd.DataFrame(
        {"sex": rng.choice(["Female", "Male"], 80), "hours": rng.integers(10, 60, 80)}
    )
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["sex"]), remainder="passthrough"
        ),
        LogisticRegression(),
    ).fit(fitted, fitted.hours > 40)
    return model, fitted


def test_one_known_value_is_said_to_be_one() -> None:
    model, fitted = fitted_on_sex()
    given = fitted.assign(sex=fitted.sex.replace({"Female": "F"}))
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            model, data=given, protected=["sex"], max_queries=100, store=":memory:"
        )
    said = str(err.value)
    assert "only one of the data's values ('F', 'Male') is among them" in said, said
    assert "bar 1" not in said


def test_the_others_are_named_and_a_missing_value_among_them() -> None:
    """With --missing value and one sex left in the data, the refusal said "only one of the
    data's values ('Male') is among them: it reads the others all alike" without naming the
    missing value it meant (hostile33's Left 3)."""
    model, fitted = fitted_on_sex()
    given = fitted.assign(sex=fitted.sex.where(fitted.sex == "Male", None))
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            model,
            data=given,
            protected=["sex"],
            max_queries=100,
            store=":memory:",
            missing="value",
        )
    said = str(err.value)
    assert "only one of the data's values ('Male', the missing value) is among" in said, said
    assert "reads the others (the missing value) all alike" in said, said
    renamed = fitted.assign(sex=fitted.sex.replace({"Female": "F"}))
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            model, data=renamed, protected=["sex"], max_queries=100, store=":memory:"
        )
    assert "reads the others ('F') all alike" in str(err.value)
