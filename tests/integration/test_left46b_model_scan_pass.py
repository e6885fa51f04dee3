"""left46b: the model scan passes the built-in trojan (``assay backdoor --demo``'s model,
scanned from 200 of its clean digits, seed 0: exit 0): its target 7 is reached by a 3x3 patch
at (row 0, col 5), not the trigger's place, at anomaly index 2.7 and cleared by its shortcut
ratio 2.0 (issue 10's 8x8 limit: 7 of 18 targets named on the bench's 8x8 MLPs).  The pass
named the class, its size and index and why it was cleared, not where its patch was, nor
that a class cleared so may still be a trigger's target; the terminal, JSON, HTML and JUnit
now say both."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

MODEL = """
import numpy as np
from assay.backdoor.demo import trojaned_digits

_D = trojaned_digits(seed=0)


def predict(x):
    return _D.model.predict_proba(np.asarray(x, dtype=np.float64).reshape(len(x), -1))
"""


def test_the_model_scans_pass_of_the_demo_trojan_names_the_class_it_cleared(
    tmp_path: Path,
) -> None:
    from assay.backdoor.demo import trojaned_digits

    (tmp_path / "m.py").write_text(MODEL)
    np.save(tmp_path / "c.npy", (trojaned_digits(seed=0).clean_images * 16)[:200])
    done = subprocess.run(
        [
            sys.executable, "-m", "assay", "backdoor", "m.py:predict", "--clean", "c.npy",
            "--input-shape", "8,8", "--range", "0,16", "--seed", "0", "--store", "s.db",
            "--report", "r.json", "--html", "r.html", "--junit", "r.xml",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1500:]  # (the known limit: it passes)
    # main: "class 7 was reachable by an anomalously small patch (3x3, anomaly index 2.7)"
    near = "class 7 was reachable by an anomalously small patch (3x3 at (row 0, col 5), anomaly"
    cleared = "(shortcut ratio 2.0 < 3)"
    still = "a class cleared so may still be a trigger's target: the model scan named 7 of 18"
    proof = "not a proof that the model is clean"
    report = json.loads((tmp_path / "r.json").read_text())
    page = html.unescape((tmp_path / "r.html").read_text())
    junit = html.unescape((tmp_path / "r.xml").read_text())
    for where, text in (
        ("terminal", done.stdout), ("json", report["headline"]), ("html", page), ("junit", junit)
    ):  # fmt: skip
        for words in (near, cleared, still, proof):
            assert words in text, (where, words, text[-3000:])
