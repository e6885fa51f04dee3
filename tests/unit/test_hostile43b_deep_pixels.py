"""hostile43b: a 16-bit grey PNG or TIFF (a CT, an X-ray, an industrial camera's) was rounded
to 256 greys when read (``value / 257``): a model reading a narrow window of its values (a CT
brain window holds about 2 % of the range: 5 greys of 8 bits) was asked other images than the
user's, and its answers in the table were not its answers to the files.  Float TIFFs (mode
``F``) were refused whatever their values.  Both are read at their full depth now, in [0, 1]."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.image_files import read_images
from assay.core.store import RunStore
from assay.errors import UsageError

PIL = pytest.importorskip("PIL.Image")

# a window of 0.30 to 0.302 of the 16-bit range: the model's classes split at its middle
LOW, STEP = 19_660, 12


def _windowed(x: np.ndarray) -> np.ndarray:
    mean = np.asarray(x, dtype=np.float64).reshape(len(x), -1).mean(axis=1)
    return (mean > 0.3011).astype(int)


_windowed.classes_ = [0, 1]  # type: ignore[attr-defined]


def _scans(folder: Path, n: int, tif: bool = False) -> np.ndarray:
    folder.mkdir()
    values = LOW + STEP * np.arange(n)
    for i, v in enumerate(values):
        PIL.fromarray(np.full((8, 8), v, dtype=np.uint16)).save(
            folder / f"scan{i:02d}.{'tif' if tif else 'png'}"
        )
    return values / 65535


@pytest.mark.parametrize("tif", [False, True])
def test_sixteen_bit_scans_are_read_at_their_depth(tmp_path: Path, tif: bool) -> None:
    truth = _scans(tmp_path / "s", 12, tif)
    got = read_images(tmp_path / "s", argument="--images").values
    assert got.dtype == np.float64 and np.allclose(got[:, 0, 0, 0], truth)
    assert len(np.unique(got)) == 12  # 8 bits made 2 greys of them (76 and 77)


def test_the_model_is_asked_the_files_own_values(tmp_path: Path) -> None:
    truth = _scans(tmp_path / "s", 12)
    _scans(tmp_path / "c", 12)
    r = check_backdoor(
        _windowed,
        images=str(tmp_path / "s"),
        clean=str(tmp_path / "c"),
        seed=0,
        max_queries=3_000,
        store=RunStore(tmp_path / "runs.db"),
    )
    said = [row["prediction"] for row in r.summary["rows"]]
    # the model's own answers to the files, 7 of them class 0 (main refused the run: "the 12
    # clean images hold 2 different", the greys 76 and 77)
    assert said == list(_windowed(truth[:, None])) and said.count(0) == 7


def test_a_float_tiff_in_unit_range_is_read_and_one_outside_refused(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    a = np.linspace(0.0, 1.0, 64, dtype=np.float32).reshape(8, 8)
    PIL.fromarray(a, "F").save(tmp_path / "f" / "a.tif")
    got = read_images(tmp_path / "f", argument="--images").values
    assert np.allclose(got[0, ..., 0], a)
    PIL.fromarray(a * 1000, "F").save(tmp_path / "f" / "a.tif")
    with pytest.raises(UsageError, match=r"values from 0 to 1000.*\[0, 1\]"):
        read_images(tmp_path / "f", argument="--images")


def test_eight_and_sixteen_bit_files_in_one_folder_share_one_scale(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    PIL.fromarray(np.full((8, 8), 51, np.uint8)).save(tmp_path / "m" / "a.png")
    PIL.fromarray(np.full((8, 8), 13_107, np.uint16)).save(tmp_path / "m" / "b.png")
    got = read_images(tmp_path / "m", argument="--images").values
    assert np.allclose(got[..., 0].reshape(2, -1).max(axis=1), [0.2, 0.2])


def test_a_uint16_array_out_of_range_is_told_its_scale(tmp_path: Path) -> None:
    """A uint16 array is read as the model's values (uint8 arrays only as pixels): the
    refusal said "e.g. --range 0,255", which leaves 16-bit values out of range again."""
    x = (np.random.default_rng(0).random((12, 8, 8)) * 65535).astype(np.uint16)
    np.save(tmp_path / "x.npy", x)
    with pytest.raises(UsageError, match=r"uint16 array .* divide the array by 65535"):
        check_backdoor(
            _windowed,
            images=str(tmp_path / "x.npy"),
            clean=str(tmp_path / "x.npy"),
            seed=0,
            store=RunStore(tmp_path / "runs.db"),
        )
