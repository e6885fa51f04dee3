"""left46c: an interrupted run (a Ctrl-C, exit 130) says its verdict on the terminal as the
stored outputs say it (report46b): "the run's verdict: the run is interrupted: it has not
ended; its findings so far: ... (exit 130)".  Before, the terminal said no verdict line then,
only "interrupted; continue with: ...", for fairness, text and backdoor alike.

Each model sends a SIGINT to its own process group (a Ctrl-C; the command runs in a session
of its own) on a later call."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import assay

SRC = str(Path(assay.__file__).parents[1])

MODELS = """
import os, signal
import numpy as np
_n = [0]


def _count(at):
    _n[0] += 1
    if _n[0] == at:
        os.killpg(os.getpgid(0), signal.SIGINT)  # (a Ctrl-C: to its own session's group)


def by_sex(x):  # (fairness: sex decides a young person's answer)
    _count(8)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 40) | (x[:, 2] > 0)).astype(int)


by_sex.classes_ = [0, 1]


def plain(batch):
    _count(12)
    p = np.array([0.8 if "good" in s else 0.2 for s in batch])
    return np.column_stack([1 - p, p])


def negated(batch):
    p = np.array([0.2 if "not" in s else (0.8 if "good" in s else 0.2) for s in batch])
    return np.column_stack([1 - p, p])


def patch(x):  # (backdoor: a white 2x2 corner sends any image to class 1)
    _count(6)
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    fired = x[:, 6:8, 6:8].min(axis=(1, 2)) > 0.9
    own = (x[:, :, :4].sum(axis=(1, 2)) > x[:, :, 4:].sum(axis=(1, 2))).astype(int)
    out = np.zeros((len(x), 3))
    out[np.arange(len(x)), np.where(fired, 2, own)] = 1.0
    return out
"""


def _files(tmp: Path) -> None:
    (tmp / "m.py").write_text(MODELS)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex,income"]
    for _ in range(300):
        age, hours, sex = rng.integers(18, 80), rng.integers(10, 60), rng.integers(0, 2)
        rows.append(f"{age},{hours},{sex},{rng.integers(0, 90000)}")
    (tmp / "people.csv").write_text("\n".join(rows) + "\n")
    clean = rng.uniform(0.0, 0.5, (60, 8, 8))
    scan = rng.uniform(0.0, 0.5, (20, 8, 8))
    scan[:10, 6:8, 6:8] = 1.0
    np.save(tmp / "clean.npy", clean)
    np.save(tmp / "scan.npy", scan)


ARGS = {
    "fairness": ["m.py:by_sex", "--data", "people.csv", "--protected", "sex"],
    "text": ["m.py:plain", "m.py:negated", "--grammar", "builtin:reviews", "--max-queries", "9000"],
    "backdoor": ["m.py:patch", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"],
}


@pytest.mark.parametrize("technique", sorted(ARGS))
def test_an_interrupted_run_says_its_verdict_on_the_terminal(
    tmp_path: Path, technique: str
) -> None:
    _files(tmp_path)
    args = [technique, *ARGS[technique], "--seed", "1", "--store", "s.db"]
    env = {**os.environ, "PYTHONPATH": SRC}
    run = subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        start_new_session=True,  # (its group is its own: the model's Ctrl-C reaches it alone)
    )  # fmt: skip
    said = run.stdout + run.stderr
    assert run.returncode == 130, said
    lines = [ln for ln in said.splitlines() if ln.startswith("the run's verdict:")]
    # main: none (only "interrupted; continue with: ...")
    assert len(lines) == 1, said
    assert re.fullmatch(
        r"the run's verdict: the run is interrupted: it has not ended(; its findings so far: "
        r"[0-9,]+ at or above --fail-on 0)? \(exit 130\)",
        lines[0],
    ), lines[0]
    run_id = re.search(rf"\b({technique}-[0-9]+-[0-9]+-[0-9a-f]+)", said)
    assert run_id is not None, said
    shown = subprocess.run(
        [sys.executable, "-m", "assay", "show", run_id.group(1), "--store", "s.db"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert lines[0] in shown.stdout.splitlines(), shown.stdout  # (the same words)
