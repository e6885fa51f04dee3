"""mutation28: what ``assay salvage`` must do that its first tests let a careless edit undo
(each test kills a hand-made mutant of ``core/salvage.py`` or ``cli/salvage_cmd.py``)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.salvage import salvage
from assay.core.store import RunStore

N = 3_000


def _store(path: Path, runs: int = 3, n: int = N) -> None:
    rng = np.random.default_rng(0)
    with RunStore(path, compaction="off") as store:
        for k in range(runs):
            run_id = f"toy-{k}"
            store.create_run(
                run_id=run_id, technique="toy", seed=k, command="x", config={"k": k}, model={},
                versions={},
            )  # fmt: skip
            findings = []
            if n:
                findings = [
                    FindingBatch(
                        "idi", rng.random((n, 2, 8)), rng.integers(0, 2, (n, 2)), rng.random(n)
                    )
                ]
            store.checkpoint(run_id, findings=findings, status="completed")


def _raw(path: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        for sql in statements:
            db.execute(sql)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, " ".join(err.split())


def test_a_store_of_64k_pages_cut_short_keeps_its_first_run(tmp_path: Path) -> None:
    """A page size of 65,536 is written 1 in the header: the padding reads it so (the
    records, on the first pages, come through)."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, n=20_000)
    _raw(source, "PRAGMA journal_mode=DELETE", "PRAGMA page_size=65536", "VACUUM")
    assert source.read_bytes()[16:18] == b"\x00\x01"
    with open(source, "r+b") as f:
        f.truncate(source.stat().st_size // 2)
    done = salvage(source, target)
    # (read as a page of 1 byte, nothing was padded: 'nothing in the file reads as a run store')
    assert [(r.id, r.outcome != "lost") for r in done.runs] == [
        ("toy-0", True), ("toy-1", True), ("toy-2", True),
    ]  # fmt: skip


def test_a_run_whose_record_is_gone_is_said_lost(tmp_path: Path) -> None:
    """Its findings still name it: a run lost is said, never passed over."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    _raw(source, "DELETE FROM runs WHERE id='toy-1'", "DELETE FROM tallies WHERE run_id='toy-1'")
    done = salvage(source, target)
    assert [(r.id, r.outcome) for r in done.runs] == [
        ("toy-0", "whole"), ("toy-2", "whole"), ("toy-1", "lost"),
    ]  # fmt: skip
    assert "its record does not read" in done.lost[0].why and not done.complete


def test_runs_named_only_by_the_key_index_are_said_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The runs table's page overwritten, nothing else naming the runs: its key's index
    still does, and the salvage says them lost (it said 'saved 0 of 0 runs', exit 0)."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, n=0)
    _raw(source, "PRAGMA journal_mode=DELETE", "DELETE FROM tallies", "DELETE FROM state")
    with contextlib.closing(sqlite3.connect(source)) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name='runs'").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with open(source, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xff" * size)
    code, out, _ = _cli(capsys, "salvage", str(source), str(tmp_path / "first.db"))
    assert code == 4 and "saved 0 of 3 runs" in out
    assert "see them" not in out  # (nothing to see)
    code, out, err = _cli(capsys, "salvage", str(source), str(target), "--json")
    doc = json.loads(out)
    assert code == 4 and doc["complete"] is False
    assert sorted(r["id"] for r in doc["runs"]) == ["toy-0", "toy-1", "toy-2"]
    assert {r["outcome"] for r in doc["runs"]} == {"lost"}
    assert "lost toy-" not in err  # (--json: the document only; err with its spaces joined)


def test_a_record_whose_json_does_not_read_is_lost_as_a_record(tmp_path: Path) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    _raw(source, "UPDATE runs SET config='{not json' WHERE id='toy-2'")
    done = salvage(source, target)
    assert [r.id for r in done.lost] == ["toy-2"]
    assert done.lost[0].why.startswith("its record does not read")


def test_runs_whose_key_index_is_overwritten_are_read_from_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain ``SELECT id FROM runs`` reads the key's index (it covers ``id``): with the
    index overwritten and nothing else naming the runs, the salvage found no run at all and
    said 'saved 0 of 0 runs', exit 0; the table, scanned, still holds every record."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, n=0)
    _raw(source, "PRAGMA journal_mode=DELETE", "DELETE FROM tallies", "DELETE FROM state")
    with contextlib.closing(sqlite3.connect(source)) as db:
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name='sqlite_autoindex_runs_1'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with open(source, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xff" * size)
    code, out, _ = _cli(capsys, "salvage", str(source), str(target), "--json")
    doc = json.loads(out)
    assert sorted((r["id"], r["outcome"]) for r in doc["runs"]) == [
        ("toy-0", "whole"), ("toy-1", "whole"), ("toy-2", "whole"),
    ], doc  # fmt: skip
    assert code == 0 and doc["complete"] is True


def _state_rows(db: sqlite3.Connection, run_id: str) -> None:
    db.executemany(
        "INSERT INTO state VALUES (?,?,?,?,?)",
        [(run_id, "search", k, 0, b"x" * 50) for k in range(3)],
    )


def _count(path: Path, sql: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        (n,) = db.execute(sql).fetchone()
    return int(n)


def test_a_run_that_lost_a_part_keeps_its_error_and_loses_its_resume_state(
    tmp_path: Path,
) -> None:
    """Its tallies do not read: saved partly, its own error kept before the note of what was
    lost, its resume state not copied (a resume needs every part), and, not ended, said
    not resumable; an ended run is not said so."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as db:
        _state_rows(db, "toy-1")
        db.execute("UPDATE tallies SET data='{cut' WHERE run_id IN ('toy-1', 'toy-2')")
        db.execute("UPDATE runs SET status='interrupted', error='boom' WHERE id='toy-1'")
    done = salvage(source, target)
    outcome = {r.id: r for r in done.runs}
    assert [outcome[k].outcome for k in ("toy-0", "toy-1", "toy-2")] == [
        "whole", "partial", "partial",
    ]  # fmt: skip
    assert outcome["toy-1"].why.startswith("its tallies (")
    assert outcome["toy-1"].why.endswith("(it cannot be resumed)")
    assert "cannot be resumed" not in outcome["toy-2"].why  # (completed)
    with RunStore(target, read_only=True) as store:
        error = str(store.get_run("toy-1").error)
    assert error.startswith("boom (salvaged from a damaged store; lost: its tallies (")
    assert _count(target, "SELECT COUNT(*) FROM state WHERE run_id='toy-1'") == 0


def test_a_resume_state_that_does_not_read_makes_the_run_partial(tmp_path: Path) -> None:
    """...alone (the state's page overwritten), or beside another part lost: the run's note
    names each one."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, runs=2)
    with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as db:
        _state_rows(db, "toy-0")
        _state_rows(db, "toy-1")
        db.execute("UPDATE tallies SET data='{cut' WHERE run_id='toy-1'")
        db.execute("PRAGMA journal_mode=DELETE")
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name='state'").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with open(source, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xff" * size)
    done = salvage(source, target)
    assert [(r.id, r.outcome) for r in done.runs] == [("toy-0", "partial"), ("toy-1", "partial")]
    assert done.runs[0].why.startswith("its resume state (")
    assert (
        done.runs[1].why.startswith("its tallies (") and "; its resume state (" in done.runs[1].why
    )
    with RunStore(target, read_only=True) as store:
        error = str(store.get_run("toy-1").error)
    assert "lost: its tallies (" in error and "; its resume state (" in error


def test_the_runs_committed_in_the_write_ahead_log_are_saved(tmp_path: Path) -> None:
    """A writer killed before its last commits reached the file: they are in its -wal, copied
    beside the file."""
    made, source, target = tmp_path / "made.db", tmp_path / "runs.db", tmp_path / "saved.db"
    _store(made, runs=1)
    db = sqlite3.connect(made, isolation_level=None)
    try:
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute(
            "INSERT INTO runs SELECT 'late', technique, status, seed, command, config, model, "
            "versions, progress, summary, error, created, updated FROM runs WHERE id='toy-0'"
        )
        for end in ("", "-wal"):  # (as the killed writer left them)
            source.with_name(source.name + end).write_bytes(
                made.with_name(made.name + end).read_bytes()
            )
    finally:
        db.close()
    done = salvage(source, target)
    assert [(r.id, r.outcome) for r in done.runs] == [("toy-0", "whole"), ("late", "whole")]


def _overwrite(path: Path, name: str) -> None:
    """The root page of table (or index) ``name`` overwritten, the file in rollback mode."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (name,)).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with open(path, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xff" * size)


def test_a_run_counts_the_findings_its_tallies_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run keeps fewer witnesses than it found: its tallies, copied, still count every one
    (without them the copy counted the few kept); a run saved partly says both."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    rng = np.random.default_rng(2)
    with RunStore(source, compaction="off") as store:
        store.create_run(
            run_id="few", technique="toy", seed=1, command="x", config={}, model={},
            versions={}, keep_findings=100,
        )  # fmt: skip
        batch = FindingBatch(
            "idi", rng.random((N, 2, 4)), rng.integers(0, 2, (N, 2)), rng.random(N)
        )
        store.checkpoint("few", findings=[batch], status="completed")
        _state_rows(store._db, "few")
    _overwrite(source, "state")
    code, out, _ = _cli(capsys, "salvage", str(source), str(target))
    assert code == 4
    with RunStore(target, read_only=True) as store:
        assert store.get_run("few").n_findings == N
        kept = sum(len(b) for b in store.iter_batches("few"))
    assert kept < N // 2
    assert f"  partly few (completed, {N:,} findings, {kept:,} of their witnesses kept)" in out


def test_a_run_whose_findings_do_not_decode_is_taken_out_of_the_new_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Content damaged inside a page SQLite accepts: copied, read back, taken out whole (its
    record, findings, tallies), said lost, exit 4."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    _raw(source, "UPDATE findings SET data=x'00ff00' WHERE run_id='toy-1'")
    code, out, _ = _cli(capsys, "salvage", str(source), str(target), "--json")
    doc = json.loads(out)
    assert code == 4 and doc["complete"] is False
    lost = [r for r in doc["runs"] if r["outcome"] == "lost"]
    assert [r["id"] for r in lost] == ["toy-1"] and "do not decode" in lost[0]["lost"]
    for table, column in (("runs", "id"), ("findings", "run_id"), ("tallies", "run_id")):
        assert _count(target, f"SELECT COUNT(*) FROM {table} WHERE {column}='toy-1'") == 0
        assert _count(target, f"SELECT COUNT(*) FROM {table} WHERE {column}='toy-0'") == 1


def test_a_target_whose_write_ahead_log_is_there_is_refused(tmp_path: Path) -> None:
    from assay.errors import UsageError

    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, runs=1)
    wal = tmp_path / "saved.db-wal"
    wal.write_bytes(b"someone's")
    with pytest.raises(UsageError, match="exists"):
        salvage(source, target)
    assert not target.exists() and wal.read_bytes() == b"someone's"


def test_a_file_that_is_no_database_is_not_salvaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "notes.db", tmp_path / "saved.db"
    source.write_bytes(b"not a database at all\n" * 500)
    code, _, err = _cli(capsys, "salvage", str(source), str(target))
    assert code == 4 and "nothing in the file reads as a run store" in err
    assert not target.exists()
