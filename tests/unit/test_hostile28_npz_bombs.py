"""An .npz is a zip: a few hundred KB can inflate to gigabytes.  The images array's shape
was checked from its header before it was read, but only when it had 3 or 4 dimensions, and
the labels array not at all: a 3 MB file whose labels held 3 GB of zeros was read whole,
then copied as int64 (24 GiB: exit 5 with a MemoryError, or the machine's out-of-memory
killer), and a flat 3 GB 'images' array was read before its shape was refused."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npformat

from assay.backdoor.image_files import read_images
from assay.errors import UsageError

BIG = 64 * 2**20  # 64 MB of zeros: about 64 KB deflated


def _zeros_member(z: zipfile.ZipFile, name: str, shape: tuple[int, ...]) -> None:
    with z.open(name, "w") as fh:
        header = {"descr": "|i1", "fortran_order": False, "shape": shape}
        npformat.write_array_header_1_0(fh, header)
        left = int(np.prod(shape))
        chunk = bytes(2**22)
        while left:
            fh.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))


def _npz(path: Path, *, images: tuple[int, ...] | None, labels: tuple[int, ...] | None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if images is None:
            buf = io.BytesIO()
            np.save(buf, np.zeros((10, 8, 8), np.uint8))
            z.writestr("images.npy", buf.getvalue())
        else:
            _zeros_member(z, "images.npy", images)
        if labels is not None:
            _zeros_member(z, "labels.npy", labels)
    assert path.stat().st_size < 2**20
    return path


def _peak_of_refusal(path: Path) -> tuple[str, int]:
    tracemalloc.start()
    try:
        with pytest.raises(UsageError) as info:
            read_images(path, argument="--images")
        return str(info.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_labels_array_that_inflates_is_refused_from_its_header(tmp_path: Path) -> None:
    path = _npz(tmp_path / "bomb.npz", images=None, labels=(BIG,))
    message, peak = _peak_of_refusal(path)
    assert "67,108,864 labels ('labels') for 10 images" in message
    assert peak < 8 * 2**20, peak  # read: 64 MB, and 512 MB as int64


def test_a_flat_images_array_that_inflates_is_refused_from_its_header(tmp_path: Path) -> None:
    path = _npz(tmp_path / "flat.npz", images=(BIG,), labels=None)
    message, peak = _peak_of_refusal(path)
    assert f"array has shape ({BIG},); expected (n, H, W)" in message
    assert peak < 8 * 2**20, peak


def test_an_npz_with_one_label_per_image_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.npz"
    np.savez_compressed(
        path, images=np.zeros((4, 8, 8), np.uint8), labels=np.array([0, 1, 2, 1], np.int16)
    )
    files = read_images(path, argument="--images")
    assert files.values.shape == (4, 8, 8, 1)
    assert files.labels is not None and list(files.labels) == [0, 1, 2, 1]


def test_a_flat_npy_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "flat.npy"
    np.save(path, np.zeros(BIG // 8, np.uint8))
    message, peak = _peak_of_refusal(path)
    assert "expected (n, H, W)" in message
    assert peak < BIG // 16, peak
