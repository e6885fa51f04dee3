"""mutation23: a *resumed* fairness run interrupted in its search answers the signal at once
too (scale22 tested the first run only: the resume's own check could go back to waiting
for the answer, and no test would fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import assay

from test_scale22_interrupt_answer import SELF_INTERRUPTING  # isort: skip

SRC = str(Path(assay.__file__).parents[1])


def _assay(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_resumed_run_interrupted_in_its_search_does_not_wait_for_the_answer(
    tmp_path: Path,
) -> None:
    (tmp_path / "selfint.py").write_text(SELF_INTERRUPTING)  # Ctrl-C on its 20th call
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex,a,b,c"]
    for _ in range(200):
        a, h, s = rng.integers(18, 80), rng.integers(10, 60), rng.integers(0, 2)
        rows.append(f"{a},{h},{s},{rng.integers(0, 1000)},{rng.integers(0, 1000)},7")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    first = _assay(
        [
            *("fairness", "selfint.py:predict", "--data", "people.csv", "--protected", "sex"),
            *("--max-queries", "2000000", "--store", "s.db", "--seed", "1"),
        ],
        tmp_path,
    )
    assert first.returncode == 130, first.stderr
    line = (first.stdout + first.stderr).split("interrupted; continue with: ", 1)[1]
    resume = line.splitlines()[0].split()
    assert resume[:2] == ["assay", "resume"]
    (tmp_path / "after.txt").unlink(missing_ok=True)
    # the resumed process counts its own calls: interrupted again on its 20th, in the search
    again = _assay(resume[1:], tmp_path)
    assert again.returncode == 130, again.stderr
    out = again.stdout + again.stderr
    assert "interrupted" in out and "  answer:" not in out
    assert "by the answer" not in out
    after = tmp_path / "after.txt"
    asked = after.read_text().split() if after.exists() else []
    assert sum(int(n) for n in asked) < 20_000
