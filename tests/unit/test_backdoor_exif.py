"""A phone photo is stored sideways with an EXIF orientation: its pixels are read upright,
as a viewer (and the person who labelled it) sees them.  Before, the stored pixels were
read: the photo reached the model turned by 90 degrees, and a folder of such photos beside
upright ones was refused for its sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.image_files import read_images

Image = pytest.importorskip("PIL.Image")


def _photo(width: int, height: int) -> np.ndarray:
    """A white block in the top-left quarter of a black image (JPEG keeps blocks)."""
    arr = np.zeros((height, width, 3), dtype=np.uint8)
    arr[: height // 2, : width // 2] = 255
    return arr


def _save(arr: np.ndarray, path: Path, orientation: int | None) -> Path:
    im = Image.fromarray(arr)
    if orientation is None:
        im.save(path, quality=95)
        return path
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, quality=95, exif=exif)
    return path


def test_a_photo_stored_sideways_is_read_upright(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    # stored 32 wide, 16 high; orientation 6: shown turned 90 degrees clockwise (16 x 32)
    _save(_photo(32, 16), folder / "a_sideways.jpg", 6)
    upright = np.rot90(_photo(32, 16), k=-1)  # what a viewer shows: 32 high, 16 wide
    _save(upright.copy(), folder / "b_upright.jpg", None)
    files = read_images(folder, argument="--images")
    assert files.values.shape[1:3] == (32, 16)  # both upright: one size, not refused
    sideways, plain = files.values[0], files.values[1]
    # the white block is in the top-right quarter once turned clockwise, as in the upright one
    assert sideways[:16, 8:].mean() > 0.9 * plain[:16, 8:].mean() > 0
    assert sideways[:16, :8].mean() < 0.1 * 255
    assert np.abs(sideways.astype(float) - plain.astype(float)).mean() < 8  # JPEG noise only


def test_a_photo_without_orientation_is_read_as_stored(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    _save(_photo(32, 16), folder / "a.jpg", None)
    _save(_photo(32, 16), folder / "b.jpg", 1)  # orientation 1: upright already
    files = read_images(folder, argument="--images")
    assert files.values.shape[1:3] == (16, 32)
    assert files.values[0][:8, :16].mean() > 200 and files.values[1][:8, :16].mean() > 200
