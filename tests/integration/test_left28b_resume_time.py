"""A resumed session loads the model and data again before its engine starts: that loading
is beside the run's --max-time (which bounds the search and its checks over the sessions),
and the run's wall clock went past the budget without a word (the budget 8 s, the run 20 s
and more).  The resumed command now says what --max-time bounded and this session's loading
time."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np

from test_left28b_loading_time import _start  # isort: skip

MODEL = """import os, time
import numpy as np
time.sleep(float(os.environ.get("SLOW", "0")))

def predict(X):
    X = np.asarray(X, dtype=float)
    return (((X[:, 0] % 97) + 10 * X[:, 3] + (X[:, 1] % 13)) > 60).astype(int)
"""


def _assay(*args: str, cwd: Path, slow: float) -> subprocess.Popen[str]:
    return _start(list(args), cwd, SLOW=str(slow))


def interrupted_run(tmp_path: Path) -> str:
    """A fairness run of ``--max-time 8`` in ``tmp_path/r.db``, stopped by a Ctrl-C a second
    into its search; its id."""
    rng = np.random.default_rng(0)
    n = 2000
    rows = zip(
        rng.integers(0, 100000, n),
        rng.integers(0, 50000, n),
        rng.integers(0, 1000, n),
        rng.integers(0, 2, n),
        strict=True,
    )
    lines = [f"{a},{b},{c},{s},{int(a % 97 + 10 * s > 55)}" for a, b, c, s in rows]
    (tmp_path / "d.csv").write_text("a,b,c,s,y\n" + "\n".join(lines) + "\n")
    (tmp_path / "m.py").write_text(MODEL)
    first = _assay(
        "fairness", "m.py:predict", "--data", "d.csv", "--label", "y", "--protected", "s",
        "--max-time", "8", "--store", "r.db", cwd=tmp_path, slow=0,
    )  # fmt: skip
    try:
        assert first.stderr is not None
        for line in first.stderr:  # the run exists: stop it a little into its search
            if line.startswith("run fairness-"):
                run_id = line.split()[1].rstrip(",")
                break
        time.sleep(1.0)
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    finally:
        first.kill()
    assert first.returncode == 130
    return run_id


def test_a_resumed_run_past_its_max_time_says_what_the_budget_bounded(tmp_path: Path) -> None:
    run_id = interrupted_run(tmp_path)
    again = _assay("resume", run_id, "--store", "r.db", cwd=tmp_path, slow=4)
    _, err = again.communicate(timeout=300)
    assert again.returncode in (0, 1), err
    note = [s for s in err.splitlines() if s.startswith("note: --max-time 8 bounds")]
    assert note, err
    loading = float(note[0].split(" s of it loading again")[0].rsplit(", ", 1)[1])
    assert loading >= 4.0, note  # (the model file sleeps 4 s as it is imported)
    assert "the run took" in note[0] and "of wall clock in all" in note[0]
