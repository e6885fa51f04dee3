"""A resumed session loads the model and data again before its engine starts: that loading
is beside the run's --max-time (which bounds the search and its checks over the sessions),
and the run's wall clock went past the budget without a word (the budget 8 s, the run 20 s
and more).  The resumed command now says what --max-time bounded and this session's loading
time."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.store import RunStore

from test_left28b_loading_time import _start  # isort: skip

MODEL = """import os, signal, time
from pathlib import Path
import numpy as np
time.sleep(float(os.environ.get("SLOW", "0")))
MARK = Path(__file__).with_name("interrupt-once")
CALLS = [0]

def predict(X):
    CALLS[0] += 1
    # (call 3: loading asks two, its first inputs and, of a model answering whole numbers
    # with no declared classes, 64 more: hostile47s2)
    if CALLS[0] == 3 and MARK.exists():  # the first session's first call past its loading
        MARK.unlink()
        os.kill(os.getpid(), signal.SIGINT)
    X = np.asarray(X, dtype=float)
    return (((X[:, 0] % 97) + 10 * X[:, 3] + (X[:, 1] % 13)) > 60).astype(int)
"""


def _assay(*args: str, cwd: Path, slow: float) -> subprocess.Popen[str]:
    return _start(list(args), cwd, SLOW=str(slow))


def interrupted_run(tmp_path: Path) -> str:
    """A fairness run of ``--max-time 8`` in ``tmp_path/r.db``, stopped by a Ctrl-C at its
    model's first call past the loading; its id.  Run in this process, whose imports are
    done: in a new process on a loaded machine the imports and loading (within that session's
    --max-time) took 5-8 s of the 8 before the run existed, and the run ended spent, exit 2,
    not interrupted a second into it (once in ~10 tries at load 15: flake40)."""
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
    (tmp_path / "interrupt-once").touch()
    args = ["fairness", "m.py:predict", "--data", "d.csv", "--label", "y", "--protected", "s"]
    with contextlib.chdir(tmp_path), pytest.raises(SystemExit) as first:
        main([*args, "--max-time", "8", "--store", "r.db"])
    assert first.value.code == 130
    assert not (tmp_path / "interrupt-once").exists()
    with RunStore(tmp_path / "r.db", read_only=True) as store:
        (run,) = store.list_runs()
    return run.id


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
