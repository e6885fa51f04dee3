"""A folder's damaged image and a glob's Thumbs.db: named, and what to do (hostile53d: "not
a readable image (OSError: image file is truncated)" and "not an image file (.db)" alone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import assay
from assay.errors import UsageError


def _folder(path: Path, n: int = 12) -> Path:
    path.mkdir()
    rng = np.random.default_rng(0)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(path / f"{i:02d}.png")
    return path


def _model(x: np.ndarray) -> np.ndarray:
    return np.tile(np.eye(10)[0] * 0.5 + 0.05, (len(x), 1))


def test_a_truncated_png_is_named_with_what_to_do(tmp_path: Path) -> None:
    images = _folder(tmp_path / "images")
    whole = (images / "05.png").read_bytes()
    (images / "05.png").write_bytes(whole[:-30])
    with pytest.raises(UsageError) as info:
        assay.check_backdoor(_model, images=str(images), clean=str(_folder(tmp_path / "c")))
    said = str(info.value)
    assert "05.png" in said and "truncated" in said
    assert "save it again from its source, or leave it out of images" in said


def test_a_globbed_thumbs_db_is_told_to_be_left_out(tmp_path: Path) -> None:
    images = _folder(tmp_path / "images")
    (images / "Thumbs.db").write_bytes(bytes(64))
    listed = sorted(str(p) for p in images.iterdir())
    with pytest.raises(UsageError) as info:
        assay.check_backdoor(_model, images=listed, clean=str(_folder(tmp_path / "c")))
    said = str(info.value)
    assert "Thumbs.db" in said
    assert "leave it out of the list, or give the folder itself" in said


def test_the_second_opinion_says_its_sample_was_drawn_from_how_many() -> None:
    from assay.backdoor.second import describe

    opinion = {
        "given": False,
        "low": 0,
        "sampled": 31,
        "unconfirmed": 9000,
        "clean_low": 1,
        "clean": 30,
        "line": 0.116,
        "queries": 492,
    }
    said = describe(opinion)
    assert "STRIP's second opinion on 31 unconfirmed images, drawn from the 9,000 (492" in said
    assert "drawn from" not in describe({**opinion, "unconfirmed": 31})
