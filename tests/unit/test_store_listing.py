"""``assay runs`` lists the newest runs of a store holding thousands without reading every
run's row: ``created`` comes after the large columns (config, progress, summary), so a scan
in its order walks every summary's overflow pages; an index on it reads ``limit`` rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assay.core.store import RunStore

LISTING = "SELECT id FROM runs ORDER BY created DESC LIMIT ?"


def _plan(db: sqlite3.Connection) -> str:
    return " ".join(str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + LISTING, (50,)))


def test_the_newest_runs_are_read_through_an_index(tmp_path: Path) -> None:
    RunStore(tmp_path / "runs.db").close()
    db = sqlite3.connect(tmp_path / "runs.db")
    plan = _plan(db)
    assert "INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_a_store_made_before_the_index_gets_it_when_opened_for_writing(tmp_path: Path) -> None:
    RunStore(tmp_path / "runs.db").close()
    db = sqlite3.connect(tmp_path / "runs.db")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql NOT NULL"):
        db.execute(f"DROP INDEX {name}")
    db.commit()
    assert "TEMP B-TREE" in _plan(db)  # the plan this test checks against: a full sort
    db.close()
    RunStore(tmp_path / "runs.db").close()
    assert "TEMP B-TREE" not in _plan(sqlite3.connect(tmp_path / "runs.db"))
    assert RunStore(tmp_path / "runs.db").list_runs() == []
