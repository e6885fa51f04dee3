"""hostile44b: a folder's images assay cannot read are never left out silently.

An iPhone's HEIC photos (or a browser's ``.jfif`` downloads) beside PNGs were skipped, and
the run passed on the PNGs alone: the retail set's 20 stamped images saved as ``.heic`` read
"0 of 20 images carry a confirmed trigger", exit 0, with 40 files in the folder.  A link to
an image that leads nowhere (moved, or a loop) was skipped the same way."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assay.backdoor.image_files import read_images
from assay.errors import UsageError


def _pngs(folder: Path, n: int = 6) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        img = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        Image.fromarray(img).save(folder / f"img_{i}.png")


def test_heic_photos_beside_pngs_are_refused_by_name(tmp_path: Path) -> None:
    _pngs(tmp_path)
    for i in range(3):
        (tmp_path / f"IMG_{i:04d}.HEIC").write_bytes(b"\0\0\0\x18ftypheic" + bytes(64))
    (tmp_path / "notes.txt").write_text("shelf 3\n")
    (tmp_path / ".DS_Store").write_bytes(b"\0Bud1")
    with pytest.raises(UsageError) as err:
        read_images(tmp_path, argument="--images")
    text = str(err.value)
    assert "3 files" in text and "IMG_0000.HEIC" in text and "--images" in text
    assert "notes.txt" not in text and "DS_Store" not in text


def test_heic_in_a_class_subfolder_is_refused(tmp_path: Path) -> None:
    _pngs(tmp_path / "cat")
    _pngs(tmp_path / "dog" / "front")
    (tmp_path / "dog" / "front" / "x.avif").write_bytes(b"\0\0\0\x1cftypavif" + bytes(64))
    with pytest.raises(UsageError, match=r"dog/front/x\.avif"):
        read_images(tmp_path, argument="--images")


def test_a_link_to_nothing_named_as_an_image_is_refused(tmp_path: Path) -> None:
    _pngs(tmp_path)
    os.symlink(tmp_path / "gone" / "x.png", tmp_path / "img_gone.png")
    os.symlink("loop_b.jpg", tmp_path / "loop_a.jpg")
    os.symlink("loop_a.jpg", tmp_path / "loop_b.jpg")
    with pytest.raises(UsageError) as err:
        read_images(tmp_path, argument="--clean")
    text = str(err.value)
    assert "img_gone.png" in text and "loop_a.jpg" in text and "link leading to no file" in text


def test_images_under_another_suffix_or_none_are_refused(tmp_path: Path) -> None:
    """A scraper's hash-named files and Twitter's ``.jpg_large`` hold JPEGs; told by their
    first bytes.  A text file starting with "BM" or "GIF" is no image."""
    _pngs(tmp_path)
    Image.open(tmp_path / "img_0.png").save(tmp_path / "3f9a1c07e2", "JPEG")
    Image.open(tmp_path / "img_1.png").save(tmp_path / "shelf.jpg_large", "JPEG")
    Image.open(tmp_path / "img_2.png").save(tmp_path / "img_2.dat", "PNG")
    (tmp_path / "notes.txt").write_text("BM is the bench mark; GIF89a later\n" * 3)
    (tmp_path / "clip.mp4").write_bytes(b"\0\0\0\x18ftypisom" + bytes(32))
    with pytest.raises(UsageError) as err:
        read_images(tmp_path, argument="--images")
    text = str(err.value)
    assert "3 files" in text and "3f9a1c07e2" in text and "shelf.jpg_large" in text
    assert "a JPEG image under no suffix" in text and "a PNG image under .dat suffix" in text
    assert "notes.txt" not in text and "clip.mp4" not in text


def test_jpeg_aliases_and_netpbm_are_read(tmp_path: Path) -> None:
    _pngs(tmp_path, 4)
    Image.open(tmp_path / "img_0.png").save(tmp_path / "img_0.jfif", "JPEG", quality=95)
    (tmp_path / "img_0.png").unlink()
    Image.open(tmp_path / "img_1.png").save(tmp_path / "img_1.ppm")
    (tmp_path / "img_1.png").unlink()
    read = read_images(tmp_path, argument="--images")
    assert read.names == ["img_0.jfif", "img_1.ppm", "img_2.png", "img_3.png"]
    assert read.values.shape == (4, 8, 8, 3)


def test_a_folder_loop_and_other_files_still_read(tmp_path: Path) -> None:
    _pngs(tmp_path)
    os.symlink(".", tmp_path / "again")
    (tmp_path / "Thumbs.db").write_bytes(b"\0" * 8)
    (tmp_path / "labels.csv").write_text("img_0.png,1\n")
    read = read_images(tmp_path, argument="--images")
    assert len(read.names) == 6


def test_pil_images_opened_from_files_keep_their_names(tmp_path: Path) -> None:
    from assay.backdoor.image_files import pil_images

    _pngs(tmp_path, 3)
    opened = [Image.open(tmp_path / f"img_{i}.png") for i in range(3)]
    read = pil_images(opened, "images")
    assert read is not None
    assert read.names == [str(tmp_path / f"img_{i}.png") for i in range(3)]
    made = [im.convert("RGB") for im in opened]  # no file behind them: by index
    again = pil_images(made, "images")
    assert again is not None and again.names == ["0", "1", "2"]
