"""scale23 (twenty-third session): a fairness run on a large data file holds its rows once.

On 1,000,000 rows x 40 columns (320 MB encoded) the search's ``Starts`` clipped a copy of
the rows (``np.clip``: a copy; the discrete columns' rounding two more half-copies): the
run's peak, 1.5 GB, and the copy kept for the whole run.  Loading a skops model imported
torch (330 MB) through scikit-learn's package walk."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import assay.fairness.schema as schema_module
from assay.fairness.schema import Feature, Schema
from assay.fairness.search.base import Starts


def _schema() -> Schema:
    return Schema(
        (
            Feature("age", "integer", low=17, high=90),
            Feature("score", "continuous", low=-1.0, high=1.0),
            Feature("sex", "categorical", categories=("F", "M")),
        ),
        protected=("sex",),
    )


def _old_clip(schema: Schema, rows: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.clip(rows, schema.lows, schema.highs)
    disc = schema.discrete
    out[:, disc] = np.round(out[:, disc])
    return out


def _rows(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [rng.integers(17, 91, n), rng.uniform(-1, 1, n), rng.integers(0, 2, n)]
    ).astype(np.float64)


def test_rows_within_bounds_are_searched_from_without_a_copy() -> None:
    data = _rows(5_000)
    starts = Starts(_schema(), data, "auto", np.random.default_rng(1))
    assert starts.data is not None
    assert np.shares_memory(starts.data, data)  # was a clipped copy (320 MB on 1 M rows)
    assert np.array_equal(starts.data, _old_clip(_schema(), data))


def test_rows_to_clip_are_clipped_as_before_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_module, "_CLIP_ROWS_BYTES", 24 * 7)  # 7 rows a chunk
    schema = _schema()
    data = _rows(100, seed=2)
    data[53] = [16.0, 1.5, 0.6]  # below, above, not whole: in the eighth chunk only
    data[99, 1] = -0.0
    before = data.copy()
    got = schema.clip(data)
    want = _old_clip(schema, data)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))  # bit for bit
    assert not np.shares_memory(got, data) and np.array_equal(data, before)
    assert list(got[53]) == [17.0, 1.0, 1.0]
    edge = np.array([[90.0, -0.0, 1.0]])
    assert np.array_equal(
        schema.clip(edge).view(np.uint64), _old_clip(schema, edge).view(np.uint64)
    )


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_reading_a_skops_model_does_not_import_torch(tmp_path: Path) -> None:
    import skops.io
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "m.skops"
    skops.io.dump(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path)
    code = (
        "import sys; from assay.models.files import read_skops; "
        f"m = read_skops({str(path)!r}); "
        "from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES as t; "
        "assert 'sklearn.linear_model._logistic.LogisticRegression' in t, len(t); "
        "print(type(m).__name__, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "LogisticRegression False"
