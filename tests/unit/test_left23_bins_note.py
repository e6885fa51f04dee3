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
