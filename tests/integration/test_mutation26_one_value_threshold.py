"""One value per input outside [0, 1] (a logit) with --threshold (mutation26): the values'
gaps are compared with it and the bias found, never refused as it is without one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay


def logit(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return (-2.0 + 4.0 * x[:, 2] * (x[:, 0] > 25)).reshape(-1, 1)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.integers(0, 50, 400), rng.integers(0, 10, 400), rng.integers(0, 2, 400)]
    )
    return pd.DataFrame(X, columns=["x", "z", "sex"])


def test_a_logit_with_a_threshold_is_compared_by_its_gaps(tmp_path: Path) -> None:
    run: dict[str, Any] = {"data": _frame(), "protected": "sex", "max_queries": 600, "seed": 1}
    result = assay.check_fairness(logit, threshold=0.5, store=tmp_path / "a.db", **run)
    assert result.n_findings > 0
    # (a function answering so to loading's probe is refused before any run: hostile47s)
    with pytest.raises(assay.UsageError, match=r"outside \[0, 1\]"):
        assay.check_fairness(logit, store=tmp_path / "b.db", **run)


def test_probabilities_of_exactly_0_and_1_are_probabilities(tmp_path: Path) -> None:
    """A pure leaf's probability is 1.0 or 0.0: within [0, 1], read and the bias found."""

    def sure(x: Any) -> np.ndarray:
        return (logit(x) > 0).astype(np.float64)

    result = assay.check_fairness(
        sure, data=_frame(), protected="sex", max_queries=600, seed=1, store=tmp_path / "r.db"
    )
    assert result.n_findings > 0
