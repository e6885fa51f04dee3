"""What to pass a booster fitted on pandas ``category`` columns that is given other dtypes.

LightGBM and XGBoost fitted on ``category`` columns refuse a frame whose columns hold the same
values as plain strings, with messages that do not say so (LightGBM: "train and valid dataset
categorical_feature do not match"; XGBoost: that ``enable_categorical`` must be set, which it
was).  ``category_mismatch`` turns such a failure into the columns to pass as ``category``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["category_mismatch"]

_LIBRARIES = {
    "LGBMClassifier": ("LightGBM", "categorical_feature do not match"),
    "LGBMRegressor": ("LightGBM", "categorical_feature do not match"),
    "XGBClassifier": ("XGBoost", "enable_categorical"),
    "XGBRFClassifier": ("XGBoost", "enable_categorical"),
    "XGBRegressor": ("XGBoost", "enable_categorical"),
}


def category_mismatch(estimator: Any, frame: Any, exc: BaseException) -> str | None:
    """Why ``estimator`` refused ``frame`` and what to pass instead, when the failure ``exc``
    is its library's refusal of category columns given as other dtypes; else None."""
    import pandas as pd

    name = type(estimator).__name__
    library, marker = _LIBRARIES.get(name, ("", ""))
    if not marker or marker not in str(exc) or not isinstance(frame, pd.DataFrame):
        return None
    api = pd.api.types
    plain = [
        str(c)
        for c in frame.columns
        if not isinstance(frame[c].dtype, pd.CategoricalDtype)
        and not api.is_numeric_dtype(frame[c])
        and not api.is_bool_dtype(frame[c])
    ]
    said = " ".join(str(exc).split())
    if not plain:
        given = sum(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in frame.columns)
        return (
            f"the {name} refused the data's dtypes ({library}: {said!r}): it is given {given} "
            "'category' columns; give the data with the dtypes it was fitted with"
        )
    columns = ", ".join(plain)
    cast = ", ".join(f"{c!r}: 'category'" for c in plain)
    return (
        f"the {name} was fitted on pandas 'category' columns and is given {columns} as plain "
        f"values ({library} refuses them: {said!r}); give the data with the dtypes it was "
        f"fitted with: in Python, data = data.astype({{{cast}}}) before check_fairness"
        f" (a polars DataFrame: data = data.with_columns(pl.col({plain!r})"
        ".cast(pl.Categorical)))"
    )
