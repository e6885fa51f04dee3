"""ops47: a run is its process's until what follows its search is added.

The search's last checkpoint stores the run as ended, its summary listing what is still to
come (a fairness run's answer, its determinism section, its closing records); the run's lock
was let go of there.  Another process could then take it while its own command went on:
`assay resume RUN` started during a fairness run's answer (1,000,000 queries: 14 s of it)
finished the run a second time beside it, and the store kept the two sessions' figures mixed
("560,542 by the answer, 32,000 by the determinism checks", 50.3 s: the command's own report
said 280,271, 16,000 and 36.2 s); `assay delete RUN` there deleted the run under its command.
Now both are refused, "being run by process N", until the run has what follows its search.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

import assay
from assay.core.store import RunStore

SRC = Path(assay.__file__).parents[1]


def _status(store: Path) -> tuple[str, str] | None:
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            row = db.execute("SELECT id, status FROM runs").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return (str(row[0]), str(row[1])) if row else None


def _delete(run_id: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-m", "assay", "delete", run_id, "--store", str(store)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def test_a_run_whose_search_ended_is_not_taken_while_its_command_adds_what_follows(
    tmp_path: Path,
) -> None:
    store = tmp_path / "s.db"
    tried: list[subprocess.CompletedProcess[str]] = []
    calls = [0]

    def predict(X: Any) -> Any:
        calls[0] += 1
        now = _status(store) if not tried and calls[0] % 10 == 0 else None
        if now is not None and now[1] != "running":  # (its answer, after its search)
            tried.append(_delete(now[0], store))
        rows = np.asarray(X, dtype=float)
        return ((rows[:, 0] > 4) & (rows[:, 8] > 0.5)).astype(np.int64)

    result = assay.check_fairness(
        predict, dataset="adult", protected="sex", max_queries=3_000, seed=1, store=store
    )
    assert tried, "the model was never asked after the search ended"
    (delete,) = tried
    assert delete.returncode == 2, delete.stdout + delete.stderr
    assert "is being run by process" in delete.stderr
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
    assert run.id == result.run_id and run.status == "completed" and run.n_findings > 0
    assert not (run.summary or {}).get("unfinished")  # (what follows its search was added)
