"""hostile52b: images in a torch user's own forms.  A channels-first batch (40, 3, 32, 32)
was told "or --channels-last for 3x32 images of 32 channels" (refused again as pasted) and,
through the API, the command line's options (the message said "assay reads ...", which
keeps options unturned); a ``TensorDataset`` ended as a bare numpy ``ValueError``
traceback and a ``DataLoader`` as "array has shape ()"; an int64 or float array of 8-bit
pixels for a model taking 0..1 was told "give --range (e.g. --range 0,255)", which says
the model takes 0..255 (pasted, the run asked the model 0..255 values)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.backdoor.api import check_backdoor
from assay.cli.app import app, register
from assay.errors import UsageError

register()
MODEL = """import numpy as np
def predict(x):
    x = np.asarray(x, dtype=np.float64)
    s = np.stack([x[..., k].mean((1, 2)) for k in range(3)], 1)
    e = np.exp(10 * (s - s.max(1, keepdims=True)))
    return e / e.sum(1, keepdims=True)
"""


def _model(tmp_path: Path) -> str:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    return f"{tmp_path}/m.py:predict"


def _predict(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    s = np.stack([x[..., k].mean((1, 2)) for k in range(3)], 1)
    e = np.exp(10 * (s - s.max(1, keepdims=True)))
    out: np.ndarray = e / e.sum(1, keepdims=True)
    return out


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["backdoor", *args])
    return result.exit_code, " ".join(result.output.split())


def _scan(tmp_path: Path, images: np.ndarray, clean: np.ndarray) -> tuple[int, str]:
    """The command line's scan of ``images`` (``s.npy``) against ``clean`` (``c.npy``)."""
    np.save(tmp_path / "s.npy", images)
    np.save(tmp_path / "c.npy", clean)
    return _run(
        [_model(tmp_path), "--images", str(tmp_path / "s.npy"), "--clean",
         str(tmp_path / "c.npy"), "--store", str(tmp_path / "r.db")]
    )  # fmt: skip


def test_a_torch_batch_is_not_told_channels_last(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    code, out = _scan(tmp_path, rng.random((10, 3, 32, 32)), rng.random((20, 32, 32, 3)))
    assert code == 2, out
    assert "channels first" in out and "np.transpose(a, (0, 2, 3, 1))" in out, out
    assert "--channels-last" not in out and "32 channels" not in out, out


def test_small_tiles_still_offer_channels_last(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "s.npy", rng.random((10, 3, 4, 4)))
    code, out = _run(
        [_model(tmp_path), "--images", str(tmp_path / "s.npy"), "--clean",
         str(tmp_path / "s.npy"), "--store", str(tmp_path / "r.db")]
    )  # fmt: skip
    assert code == 2 and "for 3x4 images of 4 channels, pass --channels-last" in out, out


def test_the_api_says_its_keywords_for_a_torch_batch(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(UsageError) as info:
        check_backdoor(
            _predict, images=rng.random((10, 3, 32, 32)), clean=rng.random((20, 32, 32, 3)),
            store=str(tmp_path / "r.db"), seed=0,
        )  # fmt: skip
    said = str(info.value)
    assert "--input-shape" not in said and "input_shape" in said, said


class TensorDataset:
    """A torch dataset's form: items (image, label)."""

    def __init__(self, images: np.ndarray) -> None:
        self.images = images

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        return self.images[i], i % 3


class DataLoader:
    """A torch loader's form: batches, by iterating only."""

    def __init__(self, images: np.ndarray) -> None:
        self.images = images

    def __iter__(self) -> Any:
        for i in range(0, len(self.images), 4):
            yield self.images[i : i + 4], np.zeros(4)


@pytest.mark.parametrize(
    ("form", "said"),
    [
        (TensorDataset, "got a TensorDataset whose items are (image, label) pairs"),
        (DataLoader, "got a DataLoader, whose batches are read by iterating it"),
        (lambda a: [(x, 0) for x in a], "got a list whose items are (image, label) pairs"),
        (lambda a: {"x": a}, "got a dict, which is no array of images"),
    ],
)
def test_datasets_and_loaders_are_named(tmp_path: Path, form: Any, said: str) -> None:
    rng = np.random.default_rng(0)
    images = rng.random((12, 8, 8, 3))
    with pytest.raises(UsageError) as info:
        check_backdoor(
            _predict, images=form(images), clean=rng.random((20, 8, 8, 3)),
            store=str(tmp_path / "r.db"), seed=0,
        )  # fmt: skip
    assert said in str(info.value) and info.value.argument == "images", str(info.value)


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_8_bit_pixels_in_another_type_are_told_uint8(tmp_path: Path, dtype: Any) -> None:
    rng = np.random.default_rng(0)
    code, out = _scan(
        tmp_path,
        rng.integers(0, 256, (10, 8, 8, 3)).astype(dtype),
        rng.integers(0, 256, (20, 8, 8, 3)).astype(np.uint8),
    )
    assert code == 2, out
    assert "a.astype(np.uint8)" in out and "only if it does" in out, out
    assert "(e.g. --range 0,255)" not in out, out


def test_values_of_another_range_keep_the_range_advice(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    code, out = _scan(
        tmp_path,
        rng.random((10, 8, 8, 3)) * 1000,
        rng.integers(0, 256, (20, 8, 8, 3)).astype(np.uint8),
    )
    assert code == 2 and "give --range (e.g. --range 0,1000)" in out, out
