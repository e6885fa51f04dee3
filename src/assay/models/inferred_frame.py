"""Rows handed to a model as a DataFrame whose column dtypes pandas infers from the values.

A column that may hold missing values (a fairness run's ``--missing value``) would change
dtype from batch to batch: a text column whose every value in a batch is missing comes out
``float64`` (a function's ``X["job"].str.startswith("a", na=False)`` then fails: "Can only
use .str accessor with string values"), a whole-number column ``int64`` without a missing
value and ``float64`` with one.  ``steady`` gives such columns one dtype for every batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assay.core.steady import steady_dtype

__all__ = ["inferred_frame", "steady_dtype"]


def inferred_frame(
    rows: Any, columns: Sequence[str], steady: Mapping[str, Any] | None = None
) -> Any:
    """``rows`` (a 2-D array) as a DataFrame of ``columns``, dtypes inferred from the values
    (an object array's strings stay text), ``steady``'s columns in their given dtype."""
    import pandas as pd

    arr = np.asarray(rows)
    frame = pd.DataFrame(arr, columns=list(columns))
    if arr.dtype == object:
        frame = frame.infer_objects()
    if steady:
        change = {c: t for c, t in steady.items() if c in frame.columns and frame[c].dtype != t}
        if change:
            frame = frame.astype(change)
    return frame
