"""The report's gallery names the image a trigger was found in by its file, as the table
does: it read "image 2" beside the table's "eight/d 028é.png" (hostile30b)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits

pytestmark = pytest.mark.slow


def test_the_gallery_names_the_image_by_its_file(tmp_path: Path) -> None:
    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    x = t.clean_images
    scan = x[:20].copy()
    scan[::2] = t.poisoned(scan[::2])
    folder = tmp_path / "scans"
    folder.mkdir()
    for i, img in enumerate(scan):
        pixels = (img[:, :, 0] * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"photo é {i:02d}.png")
    r = check_backdoor(
        t.model,
        images=folder,
        clean=x[100:300] * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
    )
    assert r.n_findings >= 9, r.headline
    (gallery,) = [s["gallery"] for s in r.summary["sections"] if "gallery" in s]
    source = int(r.triggers[0].source)
    name = f"photo é {source:02d}.png"
    assert name in gallery[0]["caption"], gallery[0]["caption"]
    assert name in gallery[0]["images"][0]["label"]
