"""A text or backdoor input that does not fit in memory is the input's problem, said as
such (exit 2 naming the file and its size), not "internal error (a bug in assay):
MemoryError" (hostile34's Left: fairness data only was fixed; a 127 MB grammar or 1,700
images of 224x224 under ``ulimit -v 1500000`` were exit 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_hostile34_data_out_of_memory import SCRIPT as PROLOGUE

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and /proc")

# (hostile34's prologue: the address space bounded at the given megabytes above its size)
SCRIPT = (
    "from assay.text.prepare import setup_text\n"
    "from assay.backdoor.prepare import setup_backdoor\n"
    + PROLOGUE.split("try:")[0]
    + r"""
folder = sys.argv[3]
try:
    if sys.argv[1] == "text":
        setup_text([folder + "/clf.py:a", folder + "/clf.py:b"], grammar=folder + "/g.cfg")
    else:
        setup_backdoor(
            folder + "/m.py:predict",
            images=folder + "/images.npy",
            clean=folder + "/clean.npy",
            classes=10,
        )
except UsageError as exc:
    print("USAGE", exc.argument, exc)
"""
)


def _run(kind: str, folder: Path, room_mb: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, kind, str(room_mb), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_a_grammar_larger_than_memory_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(
        "def a(texts):\n    return ['x' for t in texts]\n"
        "def b(texts):\n    return ['x' for t in texts]\n"
    )
    with (tmp_path / "g.cfg").open("w") as f:  # 3,000,000 words: ~45 MB
        f.write("%start s\ns -> w\nw -> ")
        f.write(" | ".join(f'"word{i}"' for i in range(3_000_000)) + "\n")
    done = _run("text", tmp_path, 60)  # (the file and its text: 90 MB)
    # (Python may say "Exception ignored" of a MemoryError in a finalizer meanwhile)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("USAGE --grammar"), done.stdout + done.stderr[-2000:]
    assert "ran out of this machine's memory" in done.stdout and "g.cfg" in done.stdout
    assert f"{(tmp_path / 'g.cfg').stat().st_size:,} bytes" in done.stdout


def test_images_larger_than_memory_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import numpy as np\ndef predict(x):\n    return np.zeros(len(x), dtype=int)\n"
    )
    np.save(tmp_path / "clean.npy", np.zeros((20, 224, 224, 3), np.uint8))
    np.save(tmp_path / "images.npy", np.zeros((600, 224, 224, 3), np.uint8))  # 90 MB
    done = _run("backdoor", tmp_path, 400)  # (float64: 720 MB)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("USAGE --images"), done.stdout + done.stderr[-2000:]
    assert "images.npy" in done.stdout
    assert f"{(tmp_path / 'images.npy').stat().st_size:,} bytes" in done.stdout
