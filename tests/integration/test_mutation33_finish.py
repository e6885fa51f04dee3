"""A fairness run of a one-class model killed after its answer, then finished, still says
NOTHING WAS TESTED (bench/RESULTS.md, mutation33's table: mutant FC6, the finish losing the
class the first session saw, survived: the finishing session asks the model nothing of the
search, so only the stored ``analysis.constant_class`` can tell; without it the finished run
passed, exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_resume30_finish import exit_of, files, killed_at, the_run

from assay.core.finishing import finishable

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

ONE_CLASS = '''
import numpy as np


def one_class(x):
    """Probabilities that follow age but never leave class 1: no input changes class."""
    x = np.asarray(x, dtype=float)
    p = 0.3 / (1.0 + np.exp(-(x[:, 0] - 45.0) / 5.0))
    return np.stack([p, 1.0 - p], axis=1)
'''

ARGS = ["fairness", "one.py:one_class", "--data", "people.csv", "--protected", "sex"]
ARGS += ["--max-queries", "3000", "--seed", "1"]


def test_a_one_class_run_finished_after_a_kill_is_still_untested(files: Path) -> None:
    (files / "one.py").write_text(ONE_CLASS)
    clean = files / "clean.db"
    assert exit_of([*ARGS, "--store", str(clean), "--quiet"]) == 2  # as the run not killed
    killed = files / "killed.db"
    done = killed_at("assay.fairness.phases:confirm_findings", ARGS, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert finishable(record)
    assert record.summary["analysis"].get("constant_class") == 1
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 2
    finished, _ = the_run(killed)
    assert "gave one class" in str(finished.summary.get("untested_reason")), finished.summary
