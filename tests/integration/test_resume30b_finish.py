"""Finishing a run stopped after its search (``assay resume``, resume30), the parts it left:

- an ``--estimate`` run killed -9 in its answer answers, once finished, from the inputs its
  estimate kept for the answer (kept past the search's end while the answer is missing:
  ``core.answer_missing.KEPT_FOR_ANSWER``), as the run not killed does: it once drew them
  afresh (another verdict, direction and query count);
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_resume30_finish import _figures, exit_of, files, killed_at, the_run

from assay.core.finishing import finishable

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

ESTIMATE = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
ESTIMATE += ["--max-queries", "20000", "--estimate", "--seed", "4"]


def state_rows(store: Path) -> list[str]:
    """The names of the resume state's rows the store holds (every run's)."""
    with sqlite3.connect(store) as db:
        return [name for (name,) in db.execute("SELECT name FROM state")]


def test_an_estimate_run_killed_in_its_answer_finishes_with_the_same_answer(
    files: Path,
) -> None:
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.fairness.answer:compute_answer", ESTIMATE, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert finishable(record) and "verdict" not in record.summary
    kept = state_rows(killed)  # only what the answer reads outlives the search
    assert kept and all("kept_" in name for name in kept), kept
    code = exit_of(["resume", record.id, "--store", str(killed), "--quiet"])
    expected_code = exit_of([*ESTIMATE, "--quiet", "--store", str(clean)])
    assert code == expected_code == 1
    finished, _ = the_run(killed)
    expected, _ = the_run(clean)
    for key in ("verdict", "direction", "model_queries", "determinism", "answer_tested"):
        assert _figures(finished.summary.get(key)) == _figures(expected.summary.get(key)), key
    assert not state_rows(killed) and not state_rows(clean)  # (gone once answered)
