"""A DataFrame built from a NumPy array of mixed columns (``pd.DataFrame(df.to_numpy())``,
``df.values``) holds its numbers as ``object``: a column of many distinct weights was refused
as "distinct non-numeric values ... an identifier or free text?", and a column of ages read
as a category of the ages held, so the share of the input space found was of another space
than the same data's with ``int64`` columns (hostile53c).  Database rows' ``Decimal`` amounts
were refused as "Decimal values ... convert the column (e.g. to text)"."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.fairness.object_numbers import numbers_as_numbers


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "age": rng.integers(18, 80, n),
            "weight": rng.integers(10_000, 400_000, n),  # many distinct values
            "job": rng.choice(["a", "b", "c"], n),
        }
    )
    score = (frame["sex"] == "M") * 1.0 + (frame["age"] - 40) / 20 + rng.normal(0, 0.5, n)
    frame["label"] = np.where(score > 0.5, "yes", "no")
    return frame


def _model(frame: pd.DataFrame) -> object:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    front = ColumnTransformer(
        [
            ("o", OneHotEncoder(handle_unknown="ignore"), [0, 3]),
            ("s", StandardScaler(), [1, 2]),
        ]
    )
    model = Pipeline([("ct", front), ("m", LogisticRegression(max_iter=300))])
    return model.fit(frame.drop(columns="label").to_numpy(dtype=object), frame["label"])


def _share(result: object) -> float:
    return float(result.verdict.iloc[0]["share_uniform"])  # type: ignore[attr-defined]


def test_a_frame_of_a_mixed_array_is_read_in_its_numbers(tmp_path: Path) -> None:
    typed = _data()
    model = _model(typed)
    as_objects = pd.DataFrame(typed.to_numpy(dtype=object), columns=typed.columns)
    run = {"protected": "sex", "label": "label", "max_queries": 600, "seed": 1}
    plain = assay.check_fairness(model, typed, store=tmp_path / "a.db", **run)
    # before: "column 'weight' holds 367 distinct non-numeric values ... an identifier?"
    result = assay.check_fairness(model, as_objects, store=tmp_path / "b.db", **run)
    assert _share(result) == _share(plain)
    assert result.findings(limit=5)["age"].dtype == np.int64


def test_ages_held_as_objects_are_searched_as_numbers_not_categories(tmp_path: Path) -> None:
    typed = _data()
    narrow_model = _model(typed)
    # (few distinct values: this ran before, its ages a category of those held)
    narrow = typed.assign(weight=100_000, age=typed["age"] // 10 * 10)  # (ages 10 apart)
    run = {"protected": "sex", "label": "label", "max_queries": 600, "seed": 1}
    a = assay.check_fairness(narrow_model, narrow, store=tmp_path / "c.db", **run)
    b = assay.check_fairness(
        narrow_model,
        pd.DataFrame(narrow.to_numpy(dtype=object), columns=narrow.columns),
        store=tmp_path / "d.db",
        **run,
    )
    assert _share(b) == _share(a)


def test_decimal_amounts_are_numbers(tmp_path: Path) -> None:
    typed = _data()
    model = _model(typed)
    decimals = typed.assign(weight=[Decimal(int(v)) for v in typed["weight"]])
    result = assay.check_fairness(
        model,
        decimals,
        protected="sex",
        label="label",
        max_queries=300,
        seed=1,
        store=tmp_path / "st.db",
    )  # before: "column 'weight' holds Decimal values such as Decimal('...')"
    assert result.findings(limit=5)["weight"].dtype == np.float64


@pytest.mark.parametrize(
    "values",
    [
        ["a", 1, 2],  # text among the numbers: a category
        [True, False, True],  # booleans are no numbers here
        [None, None, None],  # nothing to read
        [1, 2**70, 3],  # beyond int64: left as it is (refused later as an identifier)
    ],
)
def test_columns_holding_anything_else_are_left_as_they_are(values: list[object]) -> None:
    frame = pd.DataFrame({"x": pd.Series(values, dtype=object), "n": [1, 2, 3]})
    assert numbers_as_numbers(frame) is frame


def test_numbers_with_a_missing_value_become_floats_and_the_frame_is_unchanged() -> None:
    frame = pd.DataFrame({"x": pd.Series([1, None, 3], dtype=object), "x2": ["a", "b", "c"]})
    out = numbers_as_numbers(frame)
    assert out["x"].dtype == np.float64 and frame["x"].dtype == object
    assert out["x2"].dtype == frame["x2"].dtype
