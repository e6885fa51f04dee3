"""An .npz of several image arrays (Keras' ``x_train``, ``y_train``, ``x_test``, ``y_test``)
could only be used renamed (hostile52b's Left 5): ``FILE.npz:ARRAY`` names the array (its
labels the array named alike), and the refusal lists the arrays with their shapes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.image_files import read_images
from assay.errors import UsageError


def _keras(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    test = rng.random((12, 8, 8))
    test[:6, 6:, 6:] = 1.0  # (a 2x2 white corner: class 7)
    path = tmp_path / "keras.npz"
    np.savez(
        path, x_train=rng.random((40, 8, 8)), y_train=rng.integers(0, 10, 40),
        x_test=test, y_test=np.arange(12) % 10,
    )  # fmt: skip
    return path


def _predict(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64).reshape(len(x), 8, 8, -1)
    cls = (x[:, :4].mean(axis=(1, 2, 3)) * 10).astype(int) % 10
    cls = np.where(x[:, 6:, 6:].mean(axis=(1, 2, 3)) > 0.95, 7, cls)
    out: np.ndarray = np.eye(10)[cls]
    return out


def test_the_array_is_named_after_the_file(tmp_path: Path) -> None:
    path = _keras(tmp_path)
    read = read_images(f"{path}:x_test", argument="--images")
    assert read.values.shape == (12, 8, 8, 1)
    assert read.labels is not None and read.labels.tolist() == (np.arange(12) % 10).tolist()
    clean = read_images(f"{path}:x_train", argument="--clean")
    assert clean.values.shape == (40, 8, 8, 1) and clean.labels is not None


def test_several_arrays_are_listed_with_their_shapes(tmp_path: Path) -> None:
    path = _keras(tmp_path)
    with pytest.raises(UsageError) as info:
        read_images(path, argument="--images")
    said = str(info.value)
    assert "x_train (40, 8, 8) float64, y_train (40,) int64" in said, said
    assert f"{path}:x_train or {path}:x_test" in said, said
    assert "x_test's from y_test" in said, said


def test_an_array_it_does_not_hold_is_refused_listing_them(tmp_path: Path) -> None:
    path = _keras(tmp_path)
    with pytest.raises(UsageError, match=r"no array 'x_tst'; its arrays: x_train \(40, 8, 8\)"):
        read_images(f"{path}:x_tst", argument="--images")


def test_the_api_scans_the_array_named(tmp_path: Path) -> None:
    path = _keras(tmp_path)
    result = assay.check_backdoor(
        _predict, images=f"{path}:x_test", clean=f"{path}:x_train", classes=10,
        store=str(tmp_path / "r.db"), seed=0,
    )  # fmt: skip
    assert result.n_findings == 6, result.headline


def test_the_command_line_scans_and_verifies_the_array_named(tmp_path: Path) -> None:
    """The run stores ``FILE.npz:ARRAY`` (absolute): ``assay verify`` from elsewhere reads
    the same arrays."""
    path = _keras(tmp_path)
    (tmp_path / "m.py").write_text(
        "import numpy as np\n\n\ndef predict(x):\n"
        "    x = np.asarray(x, dtype=np.float64).reshape(len(x), 8, 8, -1)\n"
        "    cls = (x[:, :4].mean(axis=(1, 2, 3)) * 10).astype(int) % 10\n"
        "    cls = np.where(x[:, 6:, 6:].mean(axis=(1, 2, 3)) > 0.95, 7, cls)\n"
        "    return np.eye(10)[cls]\n",
        encoding="utf-8",
    )
    store = tmp_path / "s.db"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    argv = [sys.executable, "-m", "assay", "backdoor", "m.py:predict", "--images",
            "keras.npz:x_test", "--clean", "keras.npz:x_train", "--classes", "10",
            "--seed", "0", "--store", str(store), "--quiet"]  # fmt: skip
    ran = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ran.returncode == 1, ran.stderr
    with assay.RunStore(store) as opened:
        run_id = opened.list_runs()[0].id
    verify = [sys.executable, "-m", "assay", "verify", run_id, "--store", str(store)]
    again = subprocess.run(verify, cwd=path.anchor, env=env, capture_output=True, text=True)
    assert "6 of 6 stored findings still hold" in again.stdout, again.stdout + again.stderr
