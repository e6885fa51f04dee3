"""A run's config in rows of its own (``configs``), one a top-level entry.

It was a column of the run's row, which every checkpoint rewrites (progress, summary,
status): a text run's 13 MB grammar was written again at each checkpoint, and at the end
``--report`` rewrote it once more to add the reports' paths (``set_config``): 15 MB of the
store's 30 MB were free pages.  Now the grammar is written once; a checkpoint or a changed
entry rewrites small rows only."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from assay.core.store import RunStore

BIG = "x" * 2_000_000  # (a grammar's text, say)


def _pages(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
        (count,) = db.execute("PRAGMA page_count").fetchone()
    finally:
        db.close()
    return int(free) * int(size), int(count) * int(size)


def test_checkpoints_and_changed_entries_leave_a_large_config_where_it_is(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.db"
    config = {"grammar": {"text": BIG, "symbols": 3}, "budget": {"max_queries": 10}, "z": 1}
    with RunStore(path) as store:
        store.create_run(
            run_id="r1", technique="text", seed=1, command="c", config=config, model={},
            versions={},
        )  # fmt: skip
        for k in range(5):  # the run's row rewritten, with progress of other lengths
            store.checkpoint("r1", progress={"queries": 10**k, "note": "n" * k})
        store.set_config("r1", reports={"--report": "/tmp/r.json"})
        store.set_budget("r1", determinism_probe={"queries": 5})
        store.checkpoint("r1", status="completed", summary={"headline": "h"})
        got = store.get_run("r1").config
    free, total = _pages(path)
    assert free < len(BIG) // 10, (free, total)  # (a rewrite of the grammar leaves ~2 MB)
    assert total < 2 * len(BIG), total
    # every entry read back, in the order first written, the changed ones changed
    # (the session clock, core.session_clock since ops48, rides every write of the run)
    assert list(got) == ["grammar", "budget", "z", "session_clock", "reports"]
    assert got["grammar"]["text"] == BIG
    assert got["budget"] == {"max_queries": 10, "determinism_probe": {"queries": 5}}
    assert got["reports"] == {"--report": "/tmp/r.json"}


def test_a_run_stored_with_its_config_in_its_row_still_reads_and_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="old1", technique="text", seed=1, command="c", config={}, model={},
            versions={},
        )  # fmt: skip
    db = sqlite3.connect(path)  # as an assay of schema 3 stored it: in the run's row
    with db:
        db.execute("DELETE FROM configs")
        db.execute(
            "UPDATE runs SET config=? WHERE id='old1'",
            (json.dumps({"grammar": {"text": "S -> 'a'"}, "budget": {"max_queries": 5}}),),
        )
    db.close()
    with RunStore(path, read_only=True) as store:
        assert store.get_run("old1").config["grammar"] == {"text": "S -> 'a'"}
    with RunStore(path) as store:
        store.set_budget("old1", call_timeout=3.0)
        config = store.get_run("old1").config
    assert config["grammar"] == {"text": "S -> 'a'"}
    assert config["budget"] == {"max_queries": 5, "call_timeout": 3.0}


def test_deleting_a_run_deletes_its_config(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="r1", technique="text", seed=1, command="c", config={"grammar": BIG},
            model={}, versions={},
        )  # fmt: skip
        store.checkpoint("r1", status="completed")
        store.delete_runs(["r1"])
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT COUNT(*) FROM configs").fetchone() == (0,)
    finally:
        db.close()


def test_a_salvaged_run_keeps_its_config(tmp_path: Path) -> None:
    from assay.core.salvage import salvage

    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="r1", technique="text", seed=1, command="c",
            config={"grammar": {"text": "S -> 'a'"}, "budget": {"max_queries": 5}},
            model={}, versions={},
        )  # fmt: skip
        store.set_config("r1", reports={"--junit": "/tmp/j.xml"})
        store.checkpoint("r1", status="completed")
    salvage(path, tmp_path / "saved.db")
    with RunStore(tmp_path / "saved.db", read_only=True) as store:
        config = store.get_run("r1").config
    assert config.pop("session_clock", None) is not None  # (ops48's, kept with the run)
    assert config == {
        "grammar": {"text": "S -> 'a'"},
        "budget": {"max_queries": 5},
        "reports": {"--junit": "/tmp/j.xml"},
    }


def _written() -> int | None:
    """Bytes this process has had written to storage (Linux), else None."""
    try:
        with open("/proc/self/io", encoding="ascii") as f:
            lines = dict(line.split(": ") for line in f.read().splitlines() if ": " in line)
    except OSError:
        return None
    return int(lines["write_bytes"])


def test_reading_a_large_config_writes_nothing(tmp_path: Path) -> None:
    """Its rows were read sorted by rowid, values and all: SQLite's sorter wrote the 15 MB
    grammar to a temporary file at every ``get_run`` (seven a run: 105 MB written)."""
    big = "y" * 8_000_000
    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="r1", technique="text", seed=1, command="c",
            config={"a": 1, "grammar": {"text": big}, "budget": {}}, model={}, versions={},
        )  # fmt: skip
        before = _written()
        if before is None:
            return  # (no /proc/self/io here)
        for _ in range(3):
            assert store.get_run("r1").config["grammar"]["text"] == big
        store.set_budget("r1", determinism_probe={"queries": 2})
        after = _written()
    assert after is not None and after - before < len(big) // 10, after - before
