"""The user's dtypes given back to a function written for a DataFrame (mutation26): never
one that would change a value of the domain without an error (numbers' categories, a
float16 too coarse, categories given to a column of numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assay.fairness.frame_dtypes import frame_dtypes
from assay.fairness.schema import Feature, Schema


def _schema(*features: Feature) -> Schema:
    return Schema((*features, Feature("s", "integer", 0, 1)), protected=("s",))


def test_category_numbers_are_not_cut_to_whole_numbers() -> None:
    schema = _schema(Feature("grade", "categorical", categories=(1.5, 2.0, 3.5)))
    assert frame_dtypes(schema, {"grade": np.dtype("int32")}) == {}  # 1.5 would be 1
    assert frame_dtypes(schema, {"grade": np.dtype("float32")}) == {"grade": np.dtype("float32")}


def test_whole_numbers_too_many_for_a_float16_are_not_rounded() -> None:
    schema = _schema(Feature("n", "integer", low=0, high=4097))
    assert frame_dtypes(schema, {"n": np.dtype("float16")}) == {}  # 4097 would be 4096
    small = _schema(Feature("n", "integer", low=0, high=2000))
    assert frame_dtypes(small, {"n": np.dtype("float16")}) == {"n": np.dtype("float16")}


def test_categories_are_never_given_to_a_column_of_numbers() -> None:
    schema = _schema(
        Feature("rate", "continuous", low=0.0, high=10.0), Feature("k", "integer", low=0, high=2)
    )
    user = {"rate": pd.CategoricalDtype([0.0, 10.0]), "k": pd.CategoricalDtype([0, 1, 2])}
    assert frame_dtypes(schema, user) == {}  # a drawn 2.5 would become NaN
    assert frame_dtypes(schema, {"rate": np.dtype("float16")}) == {"rate": np.dtype("float16")}
    huge = _schema(Feature("rate", "continuous", low=0.0, high=1e6))
    assert frame_dtypes(huge, {"rate": np.dtype("float16")}) == {}  # 1e6 is inf in float16
