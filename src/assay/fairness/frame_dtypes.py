"""The user's own column dtypes, given back to a function written for a DataFrame.

A function handed DataFrames (``models.callable.FramedFunction``) would get dtypes pandas
infers from each batch's values: text for a ``category`` column, ``int64`` for ``Int64``,
``float64`` for ``float32``.  A model fitted on categories (LightGBM, XGBoost, a
HistGradientBoosting with ``categorical_features="from_dtype"``) inside such a function then
fails ("could not convert string to float").  Each column whose dtype the user's DataFrame
gave and that holds every value of the feature's domain keeps it; a dtype that would change
or lose a value of the domain (a category list missing one of the schema's categories, an
integer type too narrow) is left to pandas' inference, never applied."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.fairness.schema import Feature, Schema

__all__ = ["frame_dtypes", "merged_steady"]


def _plain(dtype: Any) -> bool:
    """What pandas infers anyway (``int64``, ``float64``, text): nothing to give back."""
    return str(dtype) in ("int64", "float64", "object", "str", "string[python]")


def _holds(f: Feature, dtype: Any) -> bool:
    """Whether every value of ``f``'s domain keeps its value under ``dtype``."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):  # its categories must hold every value
        if f.kind != "categorical":
            return False
        known = set(dtype.categories.tolist())
        return all(v in known for v in f.categories or ())
    if f.kind == "categorical":
        values = list(f.categories or ())
    else:
        values = [f.low, f.high]
        if f.kind == "integer":
            values = [int(v) for v in values if v is not None]
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # (said below: a value changed)
            cast = pd.Series(values, dtype=object).astype(dtype)
    except (TypeError, ValueError, OverflowError):
        return False
    if cast.isna().any():
        return False
    if f.kind == "categorical":
        return [str(v) for v in cast.astype(object)] == [str(v) for v in values]
    if f.kind == "integer":
        return bool(np.all(cast.astype(float).to_numpy() == np.asarray(values, dtype=float)))
    return bool(np.all(np.isfinite(cast.astype(float).to_numpy())))


def frame_dtypes(schema: Schema, user: dict[str, Any]) -> dict[str, Any]:
    """The user's dtypes worth giving back, per feature column (see the module's note)."""
    out: dict[str, Any] = {}
    for f in schema.features:
        dtype = user.get(f.name)
        if dtype is None or _plain(dtype) or not _holds(f, dtype):
            continue
        out[f.name] = dtype
    return out


def _holds_missing(dtype: Any) -> bool:
    """Whether ``dtype`` holds a missing value (floats, categories, pandas' nullable types)."""
    import pandas as pd

    try:
        return bool(pd.Series([None], dtype=object).astype(dtype).isna().all())
    except (TypeError, ValueError):
        return False


def merged_steady(given: dict[str, Any], steady: dict[str, Any]) -> dict[str, Any]:
    """The user's dtypes, and the one dtype of each column that may be missing: the user's
    where it holds a missing value (``Int64``, ``category``), else the steady one."""
    out = dict(given)
    for name, dtype in steady.items():
        if name not in out or not _holds_missing(out[name]):
            out[name] = dtype
    return out
