"""hostile25b: --range norm:MEANS:STDS with arrays of 0..1 pixels (torchvision's ToTensor
output) read them as normalised values: a narrow band of grey, scanned without a word."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.errors import UsageError


def _model(x: np.ndarray) -> np.ndarray:
    """Ten classes from the mean of the image's top and bottom halves (any input form)."""
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    half = flat.shape[1] // 2
    z = np.stack([flat[:, :half].mean(1) * k - flat[:, half:].mean(1) for k in range(10)], 1)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _unit(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 8, 8)).astype(np.float32)


def test_unnormalised_arrays_are_refused_under_a_norm_range(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="none below 0: not normalised images"):
        check_backdoor(
            _model,
            images=_unit(4, 0),
            clean=_unit(20, 1),
            value_range="norm:0.485:0.229",
            seed=0,
            max_queries=200,
            store=tmp_path / "r.db",
        )


def test_normalised_arrays_are_read_under_a_norm_range(tmp_path: Path) -> None:
    norm = lambda a: (a - 0.485) / 0.229  # noqa: E731
    result = check_backdoor(
        _model,
        images=norm(_unit(4, 0)),
        clean=norm(_unit(20, 1)),
        value_range="norm:0.485:0.229",
        seed=0,
        max_queries=200,
        store=tmp_path / "r.db",
    )
    assert result.run_id
