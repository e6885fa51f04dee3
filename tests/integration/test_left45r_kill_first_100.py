"""left45r: a fairness run whose first session was killed (SIGKILL) in its search kept no
record of when its search began, and its resume said "seconds to first 100 IDIs (wall clock
from the run's start)" from the resumed session's loading alone (10.1 s of a run whose first
session spent 12.4 s before its search).  Each session's search start is now kept with the
run as the search begins: the resume counts the first session's time before its search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore
from assay.fairness.rates import RUN_FIRST_100, RUN_FIRST_100_AT_LEAST

MODEL = '''
import time

import numpy as np


def biased(x):
    """Approves M (sex 1) from x + z >= 80,000, F from 120,000: many IDIs, a long search."""
    time.sleep(0.02)  # (a slow model: the search outlives the kill below)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] + x[:, 1]) >= np.where(x[:, 2] == 1, 80000, 120000)).astype(int)
'''

# the checks before the search take 4 s more; the process kills itself (SIGKILL: no handler,
# no cleanup) 0.6 s after its search began
KILLED = """
import os, signal, sys, threading, time
import assay.fairness.check as check
from assay.fairness.time_spent import TimeSpent
flip = check._flip_check
def slow(*a, **k):
    time.sleep(4.0)
    return flip(*a, **k)
check._flip_check = slow
begin = TimeSpent.begin_search
def begun(self, *a, **k):
    begin(self, *a, **k)
    threading.Timer(0.6, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
TimeSpent.begin_search = begun
from assay.cli.app import main
main(sys.argv[1:])
"""


def test_a_resume_after_a_kill_in_the_first_search_counts_the_time_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100000, (200, 2)), rng.integers(0, 2, 200)])
    (tmp_path / "people.csv").write_text(
        "x,z,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )
    store = tmp_path / "runs.db"
    args = ["fairness", "model.py:biased", "--data", "people.csv", "--protected", "sex"]
    args += ["--max-queries", "60000", "--seed", "1", "--store", str(store), "--quiet"]
    here = str(Path(assay.__file__).parents[1])  # (the assay under test)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, *args], env={**os.environ, "PYTHONPATH": here},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    runs = RunStore(store, read_only=True)
    record = runs.get_run(runs.list_runs()[0].id)
    runs.close()
    run = record
    began = record.config["budget"]["search_began_seconds"]  # (main: nothing kept)
    assert began >= 4.0
    assert "search_began_seconds" not in (record.summary or {})  # (killed in its search)
    with pytest.raises(SystemExit):
        main(["resume", run.id, "--store", str(store), "--report", "r.json", "--quiet"])
    summary = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]
    metrics = summary["metrics"]
    # the run's wall clock holds the first session's time before its search too (main: its
    # search's seconds alone, which the rates per second then divided by)
    with RunStore(store, read_only=True) as s:
        (_, (again, own)) = s.get_run(run.id).config["budget"]["search_sessions"]
    assert again >= began + own
    searched = summary["seconds_by_phase"]["search"] - own  # (the resumed session's search)
    assert metrics["wall-clock seconds"] >= again + searched - 0.05
    assert RUN_FIRST_100_AT_LEAST not in metrics
    # from the run's start: the first session's 4 s and more before its search counted
    # (main: the resumed session's loading and the search's own seconds alone)
    assert metrics[RUN_FIRST_100] >= began
