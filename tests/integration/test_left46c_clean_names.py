"""left46c: the source-class check's quiet words name the clean images holding a skipped group
by their file names when ``--clean`` is a folder of image files (bd46b named them by index,
"(150, 151, 152; counted from 0)", which a folder's user cannot find), in the terminal, the
JSON report and the HTML alike; an array's clean images keep their indices.

A source-specific trojan (bd46b's: a checker sends 3s to 7) with three stamped 3s among the
clean images: the check skips the groups those three hold, and says so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from ci22_in_process import assay_here
from PIL import Image

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip

MODEL = """
import numpy as np

CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def predict(x):
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    own = x[:, 0, :8].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7] - CHECKER).max(axis=(1, 2)) < 0.05
    out = np.zeros((len(x), 8))
    out[np.arange(len(x)), np.where(fired & (own == 3), 7, own)] = 1.0
    return out
"""
PLANTED = ["stamp_a.png", "stamp_b.png", "stamp_c.png"]


def _setup(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    clean, stamped = _images(240, rng), _stamped(_images(3, rng, 3))
    folder = tmp_path / "clean"
    folder.mkdir()
    for name, x in [(f"c{i:03d}.png", x) for i, x in enumerate(clean)] + list(
        zip(PLANTED, stamped, strict=True)
    ):
        Image.fromarray((x[..., 0] * 255).round().astype(np.uint8)).save(folder / name)
    np.save(tmp_path / "clean.npy", np.concatenate([clean, stamped]).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, clean: str) -> tuple[str, str, str]:
    args = ["m.py:predict", "--images", "scan.npy", "--clean", clean, "--range", "0,1"]
    args += ["--seed", "0", "--store", "s.db", "--report", "r.json", "--html", "r.html"]
    done = assay_here(capsys, "backdoor", *args, cwd=tmp_path)
    # (exit 1: the default scan confirms a 1x1 "trigger", the brightest pixel that is the
    # class; the source-class check runs on the images it leaves unconfirmed)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    said = done.stdout + done.stderr
    return said, (tmp_path / "r.json").read_text(), (tmp_path / "r.html").read_text()


def test_a_folder_s_clean_images_are_named_by_their_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path)
    said, report, html = _run(capsys, tmp_path, "clean")
    named = "images (stamp_a.png, stamp_b.png, stamp_c.png), taken as"
    flat = " ".join(said.split())
    assert named in flat, said
    assert named in json.dumps(json.loads(report)), report[:2000]
    assert named in " ".join(html.split())
    assert "counted from 0" not in flat


def test_an_array_s_clean_images_keep_their_indices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path)
    said, _, _ = _run(capsys, tmp_path, "clean.npy")
    assert "images (240, 241, 242; counted from 0), taken as" in " ".join(said.split()), said
