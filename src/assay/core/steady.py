"""The one dtype a DataFrame column that may hold missing values is given in every batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["steady_dtype"]


def steady_dtype(values: Sequence[Any]) -> Any:
    """The dtype pandas infers for a column of ``values`` beside a missing value (text:
    pandas' text dtype; numbers: ``float64``), which every batch of the column is given."""
    import pandas as pd

    return pd.Series([*values, np.nan], dtype=object).infer_objects().dtype
