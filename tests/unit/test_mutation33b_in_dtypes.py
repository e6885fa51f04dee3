"""Findings' columns in the dtypes of the user's DataFrame where their values fit them, and
as decoded where they do not (``fairness.frames._in_dtypes``): bench/RESULTS.md,
mutation33b.  A value outside a ``category`` column's categories (a schema's range wider
than the data's) was cast all the same: pandas made it NaN with a Pandas4Warning (an error
in a future pandas), and the column was then kept as decoded."""

from __future__ import annotations

import pandas as pd

from assay.fairness.frames import _in_dtypes


def test_a_value_outside_the_user_s_categories_keeps_the_column_as_decoded() -> None:
    frame = pd.DataFrame({"age": [20, 57], "town": ["a", "b"]})
    dtypes = {
        "age": pd.CategoricalDtype([20, 30, 40]),  # (a schema's range gave 57)
        "town": pd.CategoricalDtype(["a", "b"]),
    }
    out = _in_dtypes(frame, dtypes)
    assert out["age"].tolist() == [20, 57] and out["age"].dtype == "int64"
    assert out["town"].dtype == pd.CategoricalDtype(["a", "b"])
