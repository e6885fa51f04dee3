"""What of an ``--estimate`` run's resume state outlives its search (finish31): only the
inputs its answer reads (``core.answer_missing.KEPT_FOR_ANSWER``), only while the answer is
missing, and never when no answer follows.

- an answer that draws its own inputs (``--max-time``: it comes first) or is not asked for
  (``answer=False``) keeps none of them: the store holds no state once the run ends;
- a run killed right after its answer was stored, before those inputs were dropped, leaves
  them behind; they go when any run of the store next ends (the store's sweep), and its
  finish adds what it lacks with none of them: the store never holds them past their use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_resume30_finish import FAIR, exit_of, files, the_run
from test_resume30b_finish import state_rows

import assay
from assay.core.finishing import missing_parts

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

ESTIMATE = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
ESTIMATE += ["--max-queries", "20000", "--estimate", "--seed", "4"]

# the store's drop of an answered run's kept inputs (``RunStore.drop_state``, called right
# after the answer is stored) a kill -9 of its own process
DROP_KILLED = """
import os, signal, sys
from assay.core.store import RunStore
RunStore.drop_state = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from assay.cli.app import main
main(sys.argv[1:])
"""


def test_no_answer_inputs_are_kept_when_the_answer_draws_its_own(files: Path) -> None:
    timed = files / "timed.db"
    assert exit_of([*ESTIMATE, "--max-time", "120", "--quiet", "--store", str(timed)]) == 1
    assert not state_rows(timed)
    unasked = files / "unasked.db"
    assay.check_fairness(
        "m.py:biased",
        data="people.csv",
        protected=["sex"],
        max_queries=20_000,
        estimate=True,
        seed=4,
        answer=False,
        store=unasked,
    )
    assert not state_rows(unasked)


def test_inputs_left_by_a_kill_after_the_answer_go_at_the_next_end(files: Path) -> None:
    store = files / "runs.db"
    done = subprocess.run(
        [sys.executable, "-c", DROP_KILLED, *ESTIMATE, "--quiet", "--store", str(store)],
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    record, _ = the_run(store)
    assert "verdict" in record.summary and missing_parts(record) == ["determinism", "records"]
    left = state_rows(store)
    assert left and all("kept_" in name for name in left), left
    # another run of the store ends: the kept inputs, no longer read by anything, go
    assert exit_of([*FAIR, "--quiet", "--store", str(store)]) == 0
    assert not state_rows(store)
    assert exit_of(["resume", record.id, "--store", str(store), "--quiet"]) == 1
    with assay.RunStore(store, read_only=True) as s:
        finished = s.get_run(record.id)
    assert not missing_parts(finished) and "determinism" in finished.summary
    assert not state_rows(store)
