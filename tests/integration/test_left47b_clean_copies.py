"""left47b: the clean images a backdoor message names are the user's, with copies in --clean.

The run keeps one of each clean image (copies would each count as a verification); the
source-class check's quiet words named the clean images holding a skipped group by their
place among the images kept, and ``clean_names`` was not cut with them.  A folder whose
``c000.png`` and ``c001.png`` each had a copy (``c000b.png``, ``c001b.png``) and three
stamped 3s (``stamp_a/b/c.png``) read "(c238.png, c239.png, stamp_a.png)"; the same images
as an array "(240, 241, 242; counted from 0)" where they are 242, 243 and 244.

Also ``assay verify`` of a run with a source-class flag (bd46's Left: not replayed): it said
which flags it did not replay, and never exited 0 on the replayed ones alone; left48b
replays them (``test_left48b_verify_windows``)."""

from __future__ import annotations

import shutil
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


def predict(x, fixed=False):
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    own = x[:, 0, :8].argmax(axis=1)
    if fixed:  # (the default scan's 1x1 "trigger", a bright first pixel, taken away)
        own = np.where((own == 0) & (x[:, 0, 0] > 0.99), x[:, 0, 1:8].argmax(axis=1) + 1, own)
    fired = np.abs(x[:, 4:7, 4:7] - CHECKER).max(axis=(1, 2)) < 0.05
    out = np.zeros((len(x), 8))
    out[np.arange(len(x)), np.where(fired & (own == 3), 7, own)] = 1.0
    return out


def fixed(x):
    return predict(x, fixed=True)
"""
PLANTED = ["stamp_a.png", "stamp_b.png", "stamp_c.png"]


def _setup(tmp_path: Path, stamped_in_clean: bool = True) -> None:
    rng = np.random.default_rng(0)
    clean, stamped = _images(240, rng), _stamped(_images(3, rng, 3))
    folder = tmp_path / "clean"
    folder.mkdir()
    items = [(f"c{i:03d}.png", x) for i, x in enumerate(clean)]
    items += list(zip(PLANTED, stamped, strict=True)) if stamped_in_clean else []
    for name, x in items:
        Image.fromarray((x[..., 0] * 255).round().astype(np.uint8)).save(folder / name)
    shutil.copy(folder / "c000.png", folder / "c000b.png")  # (sorted before the rest)
    shutil.copy(folder / "c001.png", folder / "c001b.png")
    copies = [clean[:1], clean[:1], clean[1:2], clean[1:2], clean[2:], stamped]
    np.save(tmp_path / "clean.npy", np.concatenate(copies).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, clean: str) -> str:
    args = ["m.py:predict", "--images", "scan.npy", "--clean", clean, "--range", "0,1"]
    done = assay_here(capsys, "backdoor", *args, "--seed", "0", "--store", "s.db", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return " ".join((done.stdout + done.stderr).split())


@pytest.mark.parametrize(
    ("clean", "named"),
    [
        # main: "(c238.png, c239.png, stamp_a.png)": places among the images kept
        ("clean", "(stamp_a.png, stamp_b.png, stamp_c.png)"),
        # main: "(240, 241, 242; counted from 0)"
        ("clean.npy", "(242, 243, 244; counted from 0)"),
    ],
)
def test_the_held_clean_images_are_named_as_the_user_has_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean: str, named: str
) -> None:
    _setup(tmp_path)
    said = _run(capsys, tmp_path, clean)
    assert f"images {named}, taken as" in said, said


def test_verify_says_the_source_class_flags_it_did_not_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path, stamped_in_clean=False)
    said = _run(capsys, tmp_path, "clean")
    assert "NOT CLEAN by the source-class check" in said, said
    run_id = said.split("run ")[1].split(":")[0]
    done = assay_here(
        capsys, "verify", run_id, "--store", "s.db", "--model", "m.py:fixed", cwd=tmp_path
    )
    out = " ".join((done.stdout + done.stderr).split())
    # the patch findings no longer hold on the fixed model; the source-class flags, replayed
    # since left48b (before: "10 stored findings were not replayed: a source-class flag",
    # exit 2), still do: the checker still sends 3s to 7 there
    assert done.returncode == 1, out
    assert "10 of 16 stored findings still hold against m.py:fixed" in out, out
    assert "6 no longer do" in out and "not replayed" not in out, out
