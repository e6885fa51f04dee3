"""Images in the user's own forms (hostile19c): a complex array was read as its real part
(``astype(float64)`` drops the imaginary parts with a warning); refused, naming the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.errors import UsageError


def predict(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, dtype=np.float64).reshape(len(x), -1)[:, :4]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def test_a_complex_array_of_images_is_refused_naming_the_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images = tmp_path / "images.npy"
    np.save(images, rng.random((12, 8, 8)) + 1j * rng.random((12, 8, 8)))
    np.save(tmp_path / "clean.npy", rng.random((12, 8, 8)))
    with pytest.raises(UsageError, match="complex numbers") as err:
        assay.check_backdoor(
            predict,
            images=str(images),
            clean=str(tmp_path / "clean.npy"),
            n_classes=4,
            store=tmp_path / "runs.db",
        )
    assert "images.npy" in str(err.value)
