"""The ``assay`` process ends as soon as it has printed its last line (the interpreter's final
garbage collection is skipped: it took 0.6-1.6 s after a large run), and what that skips
loses nothing: every run store is closed, so that no write-ahead log holding committed
findings is left beside the file (a copy of the file alone would miss them)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from assay.core.store import RunStore, close_open_stores


def test_a_command_leaves_its_store_closed_with_no_write_ahead_log(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    command = ["fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "20000"]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *command, "--seed", "1", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode in (0, 1), done.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("runs.db"))
    assert left == ["runs.db"], left  # no runs.db-wal, no runs.db-shm
    db = sqlite3.connect(store)
    (n,) = db.execute("SELECT COUNT(*) FROM findings").fetchone()
    db.close()
    assert n > 0


def test_stores_dropped_or_left_open_are_closed(tmp_path: Path) -> None:
    kept = RunStore(tmp_path / "a.db")
    RunStore(tmp_path / "b.db")  # dropped at once: closed then, not at a garbage collection
    assert not (tmp_path / "b.db-wal").exists()
    close_open_stores()
    assert not (tmp_path / "a.db-wal").exists()
    try:
        kept._db.execute("SELECT 1")
        raise AssertionError("the store left open was not closed")
    except sqlite3.ProgrammingError:
        pass
