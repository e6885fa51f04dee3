"""A model that crashes the interpreter is named where it crashed.

A model file whose function segfaults (a native library called in assay's process, here on
loading's probe) ended ``assay`` with exit 139 and not a word (hostile32's Left 1): the
``assay`` command now turns on Python's fault handler, which says "Segmentation fault" and
the stack down to the model's own line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_a_segfault_in_the_model_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "crashing.py").write_text(
        "import ctypes\n\ndef crash(rows):\n    return ctypes.string_at(0)\n", encoding="utf-8"
    )
    (tmp_path / "d.csv").write_text("age,sex\n30,M\n50,F\n40,M\n25,F\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    done = subprocess.run(
        [
            *(sys.executable, "-m", "assay", "fairness", "crashing.py:crash", "--data", "d.csv"),
            *("--protected", "sex", "--max-queries", "100", "--store", str(tmp_path / "r.db")),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode != 0
    assert "Segmentation fault" in done.stderr, done.stderr[-2000:]
    assert 'crashing.py", line 4 in crash' in done.stderr, done.stderr[-2000:]
