"""scale22 (twenty-second session): a fairness run interrupted in its search answers the
signal at once.  It computed its answer first (the share's 20,000 samples and their variants):
seconds after SIGTERM on a fast model (6 s on a resumed Adult run), far more on a slow one,
beyond a CI job's grace period."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import assay

SRC = str(Path(assay.__file__).parents[1])

# discriminates on sex for every input; sends its own process a Ctrl-C on its 20th call
# (in the search), then writes down the size of every batch it is asked afterwards
SELF_INTERRUPTING = """
import os, signal
import numpy as np
_n = [0]
def predict(x):
    _n[0] += 1
    if _n[0] == 20:
        os.kill(os.getpid(), signal.SIGINT)
    x = np.asarray(x, dtype=float)
    if _n[0] > 20:
        with open("after.txt", "a") as f:
            f.write(f"{len(x)}\\n")
    return ((x[:, 0] > 40) ^ (x[:, 2] > 0)).astype(int)
predict.classes_ = [0, 1]
"""


def test_an_interrupt_in_the_search_does_not_wait_for_the_answer(tmp_path: Path) -> None:
    (tmp_path / "selfint.py").write_text(SELF_INTERRUPTING)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex,a,b,c"]
    for _ in range(200):
        a, h, s = rng.integers(18, 80), rng.integers(10, 60), rng.integers(0, 2)
        rows.append(
            f"{a},{h},{s},{rng.integers(0, 1000)},{rng.integers(0, 1000)},{rng.integers(0, 1000)}"
        )
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    run = subprocess.run(
        [
            *(sys.executable, "-m", "assay", "fairness", "selfint.py:predict"),
            *("--data", "people.csv", "--protected", "sex", "--max-queries", "2000000"),
            *("--store", "s.db", "--seed", "1"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 130, run.stderr
    out = run.stdout + run.stderr
    assert "interrupted" in out
    assert "by the answer" not in out  # was: 40,400 queries by the answer after the signal
    assert "  answer:" not in out  # no phase it did not enter
    asked = (
        (tmp_path / "after.txt").read_text().split() if (tmp_path / "after.txt").exists() else []
    )
    # the last search step and the re-check of a sample of the IDIs (4,000), nothing more
    assert sum(int(n) for n in asked) < 20_000
    # the resume line still continues it, and the resumed run answers
    line = out.split("interrupted; continue with: ", 1)[1].splitlines()[0]
    assert line.startswith("assay resume ")
