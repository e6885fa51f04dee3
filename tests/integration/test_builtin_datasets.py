"""Every built-in dataset works end to end with a built-in model, strings included."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.api import check_fairness
from assay.datasets import DATASETS


@pytest.mark.parametrize("name", DATASETS)
def test_builtin_model_on_every_dataset(name: str, tmp_path: Path) -> None:
    result = check_fairness(
        None, dataset=name, max_queries=30_000, seed=2, estimate=True, store=tmp_path / "r.db"
    )
    assert result.status in ("completed", "budget_exhausted")
    assert result.summary["estimates"], result.summary
    assert result.summary["group"] is not None  # every held-out row fits in the budget
    assert "discriminatory input" in result.headline
