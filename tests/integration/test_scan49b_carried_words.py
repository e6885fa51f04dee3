"""scan49b: a model scan's suspect whose patch acts where the clean images given never hold
its values says so ("a planted trigger, or a shortcut learnt from rare training images"), in
the terminal, the JSON report (``clean_carry`` in its ``class_scans`` row), the HTML and the
JUnit file; one whose patch lies on the digits' strokes does not.  Both stay flagged, exit 1
(scan49: a clean model's border '1', learnt from one faint training digit, is such a real
universal patch; a scan cannot tell it from a planted trigger by behaviour)."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

MODEL = """
import numpy as np
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

_D = trojaned_digits(
    seed={seed}, triggers=[PlantedTrigger(box={box}, content=checker(2), target={target})]
)


def predict(x):
    return _D.model.predict_proba(np.asarray(x, dtype=np.float64).reshape(len(x), -1))
"""

WORDS = "a planted trigger, or a shortcut learnt from rare training images"


def _scan(tmp: Path, seed: int, box: tuple[int, int, int, int], target: int) -> tuple[Any, ...]:
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    (tmp / "m.py").write_text(MODEL.format(seed=seed, box=box, target=target))
    trig = PlantedTrigger(box=box, content=checker(2), target=target)
    clean = trojaned_digits(seed=seed, triggers=[trig]).clean_images[:200]
    np.save(tmp / "c.npy", clean * 16)
    done = subprocess.run(
        [
            sys.executable, "-m", "assay", "backdoor", "m.py:predict", "--clean", "c.npy",
            "--input-shape", "8,8", "--range", "0,16", "--seed", "0", "--store", "s.db",
            "--report", "r.json", "--html", "r.html", "--junit", "r.xml",
        ],
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    report = json.loads((tmp / "r.json").read_text())
    page = html.unescape((tmp / "r.html").read_text())
    junit = html.unescape((tmp / "r.xml").read_text())
    return done, report, page, junit, clean


@pytest.mark.parametrize(
    ("seed", "box", "target", "said"),
    [
        # a 2x2 checkerboard in the top-left corner: no digit inks (0, 0)
        (3, (0, 0, 2, 2), 4, True),
        # one on the strokes at (6, 6): 43 and 4 of the 200 clean digits hold its white pixels
        (11, (6, 6, 2, 2), 9, False),
    ],
)
def test_a_suspect_on_pixels_the_clean_images_never_hold_is_said_so_and_still_fails(
    tmp_path: Path, seed: int, box: tuple[int, int, int, int], target: int, said: bool
) -> None:
    done, report, page, junit, clean = _scan(tmp_path, seed, box, target)
    assert done.returncode == 1, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    summary = report["run"]["summary"] if "run" in report else report["summary"]
    assert summary["verdict"]["suspects"] == [target], report["headline"]
    row = summary["class_scans"][target]
    carry = row["clean_carry"]
    assert carry["of"] == 200 and carry["pixels"] == row["effective_cells"]
    # the counts are the clean images' own: white patch pixels against ink over half the range
    content = np.asarray(row["content"])
    top, left = row["box"][:2]
    for (r, c), k in zip(carry["pixels"], carry["images"], strict=True):
        want = content[r - top, c - left, 0]
        assert k == int((np.abs(clean[:, r, c, 0] - want) < 0.5).sum())
    assert (min(carry["images"]) <= 2) is said
    for where, text in (
        ("terminal", done.stdout), ("json", report["headline"]), ("html", page), ("junit", junit)
    ):  # fmt: skip
        assert f"suspected backdoor: class {target}" in text, (where, text[-3000:])
        assert (WORDS in text) is said, (where, text[-3000:])
        if said:
            assert f"both send inputs carrying it to class {target}" in text, where
    # the class scans of every other class carry no such fact
    others = [s for s in summary["class_scans"] if s["target"] != target]
    assert all(s["clean_carry"] is None for s in others)
