"""An .npz's arrays are checked from their headers before they are read (hostile28): labels
of another count or shape than one per image, and images that would not fit in memory, are
refused there (each test kills a hand-made mutant the first tests let live)."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npformat

from assay.backdoor.image_files import read_images
from assay.errors import UsageError


@pytest.mark.parametrize(
    ("key", "labels", "said"),
    [("labels", np.array([0, 1, 0]), "3 labels ('labels') for 4 images"),
     ("labels", np.zeros((4, 2), np.int64), "8 labels ('labels') for 4 images"),
     ("y", np.zeros(5, np.int64), "5 labels ('y') for 4 images")],
    ids=["fewer", "two-a-row", "y"],
)  # fmt: skip
def test_labels_not_one_per_image_are_refused(
    tmp_path: Path, key: str, labels: np.ndarray, said: str
) -> None:
    path = tmp_path / "x.npz"
    arrays = {"images": np.zeros((4, 8, 8), np.uint8), key: labels}
    np.savez(path, **arrays)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=said.replace("(", r"\(").replace(")", r"\)")):
        read_images(path, argument="--images")


def test_images_too_large_for_the_machine_are_refused_from_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 MB of images (about 64 KB deflated) on a machine said to have 1 GiB: held as the
    scan holds them (float64, three copies) they take 1.5 GiB; refused before the data is
    read."""
    import assay.backdoor.pixels as pixels

    monkeypatch.setattr(pixels, "_memory", lambda: 2**30)
    shape = (16_384, 64, 64)
    path = tmp_path / "big.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, z.open("images.npy", "w") as fh:
        npformat.write_array_header_1_0(
            fh, {"descr": "|u1", "fortran_order": False, "shape": shape}
        )
        chunk = bytes(2**22)
        for _ in range(int(np.prod(shape)) // len(chunk)):
            fh.write(chunk)
    tracemalloc.start()
    try:
        with pytest.raises(UsageError, match="16,384 images of 64x64 pixels would take"):
            read_images(path, argument="--images")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, peak
