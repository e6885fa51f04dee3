"""The bins note gave a bin's median with float noise ("30-39 as 25008.355000000003")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assay.fairness.loading import setup_fairness
from assay.fairness.notes import bins_note


def test_a_bins_median_is_said_without_float_noise() -> None:
    income = [25008.31, 25008.4, 10.0, 90000.0]
    frame = pd.DataFrame({"income": income * 5, "x": np.arange(20)})
    setup = setup_fairness(
        lambda rows: np.zeros(len(rows), dtype=int),
        data=frame,
        protected="income:bins=20000,50000",
    )
    said = bins_note(setup)
    assert said is not None and "as 25008.355" in said, said
    assert "0000000" not in said, said


def test_a_rule_over_a_wide_category_names_its_first_values_and_how_many() -> None:
    """A rule over 120 zip codes was a line of 1,100 characters."""
    from assay.fairness.regions import set_text
    from assay.fairness.schema import Feature

    zips = Feature("zip", "categorical", categories=tuple(f"{10000 + i}" for i in range(300)))
    said = set_text(zips, list(range(120)))
    assert said.startswith("zip in {10000, 10001,") and "(120 values in all)" in said, said
    assert len(said) < 120, said
    most = set_text(zips, [c for c in range(300) if c != 7])
    assert most == "zip not in {10007}", most  # the shorter side, as a nominal code's
    few = set_text(zips, [3, 5])
    assert few == "zip in {10003, 10005}", few
