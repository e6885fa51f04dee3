"""hostile41b: a torch model call the run gave up on (``--max-time`` spent, ``--call-timeout``
passed) was left running on its daemon thread, and the interpreter's finalization ended it
inside torch's native code: "terminate called without an active exception", exit 134 (or
a segmentation fault, 139) in place of the run's own 2 or 3, every time; a CI job read a
crash.  The command now ends its process without that finalization when a model call is
left running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

MODEL = """
import numpy as np
import torch

torch.set_num_threads(1)
W = torch.randn(600, 600, generator=torch.Generator().manual_seed(0))
CALLS = [0]


def predict(x):
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    CALLS[0] += 1
    if CALLS[0] > 8:  # then busy in torch's native code until the run gives up on it
        while True:
            (W @ W).sum()
    z = np.stack([x[:, :32].mean(1), x[:, 32:].mean(1)], 1) * 8
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)
"""


ARGS = [sys.executable, "-m", "assay", "backdoor", "m.py:predict", "--images", "a.npy"]
ARGS += ["--clean", "c.npy", "--seed", "0", "--store", "s.db", "--junit", "j.xml"]


@pytest.mark.parametrize(
    ("option", "code"), [(["--max-time", "25"], 2), (["--call-timeout", "3"], 3)]
)  # (--max-time 12 went to loading torch alone at CI run 181's load 15: no run was made)
def test_a_torch_call_given_up_on_ends_with_the_runs_code_not_a_crash(
    tmp_path: Path, option: list[str], code: int
) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    np.save(tmp_path / "a.npy", (rng.random((6, 8, 8)) * 255).astype(np.uint8))
    np.save(tmp_path / "c.npy", (rng.random((40, 8, 8)) * 255).astype(np.uint8))
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [*ARGS, *option],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == code, (done.returncode, done.stderr[-1500:])  # main: 134
    assert "Fatal Python error" not in done.stderr
    assert 'errors="1"' in (tmp_path / "j.xml").read_text()
    assert done.stdout.endswith("\n") and done.stderr.endswith("\n")  # flushed before the end
