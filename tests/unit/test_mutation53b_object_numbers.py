"""mutation53b, over hostile53c's ``fairness.object_numbers``: a column of ``Decimal`` amounts
one of which is ``Decimal('NaN')`` (a missing amount) is read as numbers, its missing one
NaN; one holding ``Decimal('Infinity')`` is no column of numbers to search (left as it is:
an infinite amount is no value to vary)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from assay.fairness.object_numbers import numbers_as_numbers


def test_decimal_amounts_with_a_missing_one_are_numbers() -> None:
    frame = pd.DataFrame({"x": pd.Series([Decimal("1.5"), Decimal("NaN"), Decimal("2")])})
    out = numbers_as_numbers(frame)
    assert out["x"].dtype == np.float64
    assert out["x"].isna().tolist() == [False, True, False]


def test_an_infinite_decimal_leaves_its_column_as_it_is() -> None:
    for bad in ("Infinity", "-Infinity"):
        frame = pd.DataFrame({"x": pd.Series([Decimal("1.5"), Decimal(bad)], dtype=object)})
        assert numbers_as_numbers(frame) is frame, bad
