"""A resume never loses what a failed session stored (the store never loses a finding).

A run failing mid-search commits the findings found since its last snapshot; a resume goes
back to that snapshot and its search finds them again.  They were deleted as the resume
began, so a resumed session failing sooner than the first left fewer findings than the
store held (947 stored -> 43 after a resume whose model exited on its 6th call; left50b's
Left 1).  Now they stay stored and are not stored twice: the resume that finishes holds the
very rows, in the same order, of a run that never failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assay.core.store import RunStore

pytestmark = pytest.mark.slow

MODEL = '''import os

import numpy as np
import pandas as pd

calls = []


def model(x):
    """Favours "m" past 40; exits (as a crashing library would) after EXIT_AFTER calls."""
    calls.append(1)
    if len(calls) > int(os.environ["EXIT_AFTER"]):
        os._exit(1)
    t = x if isinstance(x, pd.DataFrame) else pd.DataFrame(x)
    return ((t.iloc[:, 0].astype(float) > 40) & (t.iloc[:, 2] == "m")).astype(int).to_numpy()
'''

ARGS = ["--data", "d.csv", "--protected", "gender", "--max-queries", "3000", "--seed", "2"]


def _files(where: Path) -> None:
    rng = np.random.default_rng(0)
    lines = ["age,income,gender"]
    for _ in range(300):
        lines.append(f"{rng.integers(18, 80)},{rng.uniform(10, 90):.3f},{rng.choice(['m', 'f'])}")
    (where / "d.csv").write_text("\n".join(lines) + "\n")
    (where / "later.py").write_text(MODEL)


def _assay(where: Path, exit_after: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "EXIT_AFTER": str(exit_after), "XDG_STATE_HOME": str(where / "st")},
    )


def _rows(store: Path) -> tuple[str, str, np.ndarray]:
    with RunStore(store) as s:
        (run,) = s.list_runs()
        batches = list(s.iter_batches(run.id))
    if not batches:
        return run.id, run.status, np.zeros((0, 0), dtype=str)
    return (
        run.id,
        run.status,
        np.concatenate([b.inputs.astype(str).reshape(len(b), -1) for b in batches]),
    )


def test_a_resume_failing_sooner_keeps_what_the_failed_session_stored(tmp_path: Path) -> None:
    _files(tmp_path)
    # (the search's mode pinned: a timed choice could differ between the runs)
    clean = _assay(tmp_path, 10**9, "fairness", "later.py:model", *ARGS, "--store", "c.db",
                   "--optimize", "queries")  # fmt: skip
    assert clean.returncode == 1, clean.stderr
    _, _, want = _rows(tmp_path / "c.db")

    failed = _assay(tmp_path, 30, "fairness", "later.py:model", *ARGS, "--store", "f.db",
                    "--optimize", "queries")  # fmt: skip
    assert failed.returncode == 3, failed.stderr
    run_id, status, first = _rows(tmp_path / "f.db")
    assert status == "failed" and len(first) > 100, (status, len(first))

    sooner = _assay(tmp_path, 5, "resume", run_id, "--store", "f.db")
    assert sooner.returncode == 3, sooner.stderr
    _, status, after = _rows(tmp_path / "f.db")
    assert status == "failed"
    # (main: the failed session's tail deleted as the resume began; 43 of 947 left)
    assert len(after) >= len(first), (len(first), len(after))
    assert np.array_equal(after[: len(first)], first)

    done = _assay(tmp_path, 10**9, "resume", run_id, "--store", "f.db")
    assert done.returncode == 1, done.stderr
    _, status, end = _rows(tmp_path / "f.db")
    assert status == "completed"
    assert end.shape == want.shape and np.array_equal(end, want)  # none twice, none lost
