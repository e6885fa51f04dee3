"""``check_fairness(..., max_queries=1)`` said "automatic: a small query budget (1 queries)"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import assay
from assay.core.store import RunStore


def by_sex(rows: pd.DataFrame) -> np.ndarray:
    return (np.asarray(rows["sex"]) == "M").astype(int)


by_sex.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_a_budget_of_one_query_is_one_query(tmp_path: Path) -> None:
    people = pd.DataFrame({"age": [30, 41, 52, 63], "sex": ["M", "F", "M", "F"]})
    result = assay.check_fairness(
        by_sex, data=people, protected="sex", max_queries=1, store=RunStore(tmp_path / "r.db")
    )
    assert "a small query budget (1 query)" in result.headline, result.headline
