"""A run another host's lock file names is refused only while that run is running
(bench/RESULTS.md, mutation33's table: mutant LK12, every status refused, survived)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_serve32_store import _left_by

from assay.core.store import RunStore


def test_a_run_another_host_left_ended_is_taken_at_once(tmp_path: Path) -> None:
    """Its last checkpoint 5 s ago, but the run is no longer running (it ended, or was
    interrupted, as the lock file was left): nothing runs it, so it is not refused."""
    store = _left_by(tmp_path, "fairness-e", "otherhost.example", quiet=5)
    store.close()
    db = sqlite3.connect(tmp_path / "s.db")
    with db:
        db.execute("UPDATE runs SET status='interrupted' WHERE id='fairness-e'")
    db.close()
    again = RunStore(tmp_path / "s.db")
    again.claim("fairness-e")
    again.close()
