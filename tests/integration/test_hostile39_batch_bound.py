"""hostile39: a model whose answer to an input depends on the batch it is asked in (here it
standardises the batch by the batch's own mean and deviation: ``fit_transform`` where
``transform`` was meant) answered the flip check's batch alike twice, so the run called it
deterministic; 8 of the 25 IDIs re-checked at the end did not hold, 160 of its 294 findings
no longer failed under ``assay verify``, and nothing said so (the confirmation rate was a
metric only).  The run now warns, in its headline and its warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.fairness.determinism import batch_bound

pytestmark = pytest.mark.slow


def _batch_standardised(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    Z = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-9)
    return ((Z[:, 0] > 0.5) & (Z[:, 8] > 0)).astype(np.int64)


def _per_input(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)


@pytest.mark.parametrize("model", [_batch_standardised, _per_input], ids=["batch", "input"])
def test_idis_that_depend_on_their_batch_are_said_not_to_hold(
    tmp_path: Path, model: object
) -> None:
    result = assay.check_fairness(
        model,
        dataset="adult",
        protected="sex",
        max_queries=3000,
        seed=1,
        store=tmp_path / "runs.db",
    )
    det = result.summary["determinism"]
    assert det["deterministic"] is True  # (the same batch twice: answered alike)
    said = [w for w in result.warnings if "depends on the batch" in w]
    if model is _per_input:
        assert det["confirmation"]["confirmation_rate"] == 1.0
        assert said == [] and "depend on the batch" not in result.headline
    else:
        assert det["confirmation"]["confirmation_rate"] < 1.0
        assert len(said) == 1 and "assay verify" in said[0]
        assert "depend on the batch they are asked in" in result.headline


def test_the_warning_is_only_for_a_model_steady_on_one_batch() -> None:
    steady = {"deterministic": True}
    held = {"sampled": 25, "confirmed": 25}
    missed = {"sampled": 25, "confirmed": 17}
    assert batch_bound(steady, held) is None
    assert batch_bound(steady, {"sampled": 0, "confirmed": 0}) is None
    assert batch_bound({"deterministic": False}, missed) is None  # (said otherwise)
    assert batch_bound({"deterministic": None, "skipped": "x"}, missed) is None
    said = batch_bound(steady, missed)
    assert said is not None and said.startswith("Warning: 8 of 25 stored IDIs")
