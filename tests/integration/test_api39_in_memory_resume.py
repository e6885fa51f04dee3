"""api39: a fairness run made from Python with a model object on a built-in dataset
(``check_fairness(f, dataset="adult", ...)``) stores no model spec; ``assay resume RUN``
then loaded the built-in tree (what ``check_fairness(None, dataset="adult")`` means) and
wrote that model's findings into the user's run (9,493 IDIs in 20,000 queries for a
function whose own run found a few hundred).  A run of the built-in model stores
``builtin:tree``: a run that stored no model is refused without one.  Fails on main."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.slow


def _predict(X: Any) -> Any:
    rows = np.asarray(X, dtype=float)
    return ((rows[:, 0] > 4) & (rows[:, 8] > 0.5)).astype(np.int64)


def test_a_run_of_a_model_object_on_a_builtin_dataset_is_not_resumed_with_the_builtin(
    tmp_path: Path,
) -> None:
    store = tmp_path / "s.db"
    run = assay.check_fairness(
        _predict, dataset="adult", protected="sex", max_queries=300, seed=1, store=store,
        stop=_Set(),
    )  # fmt: skip
    assert run.status == "interrupted"  # (resumable: its search stopped at once)
    done = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run.run_id, "--store", str(store)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr  # (main: 1, the built-in's IDIs)
    assert "in-memory model" in done.stderr
    assert RunStore(store, read_only=True).get_run(run.run_id).status == "interrupted"
    # from Python, the model given again: resumed
    again = assay.resume_run(run.run_id, store=store, model=_predict)
    assert again.status in ("completed", "budget_exhausted")


class _Set:
    def is_set(self) -> bool:
        return True
