"""mutation28: the store's read-only connection, brief listing and schema note, as a careless
edit of today's code could break them unnoticed (each test kills a hand-made mutant)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core import store_file
from assay.core.store import RunStore, close_open_stores

register()
runner = CliRunner()


def _run(store: RunStore, run_id: str, summary: dict[str, Any], created: int) -> None:
    store.create_run(
        run_id=run_id, technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    store.checkpoint(run_id, status="completed", summary=summary)
    store._db.execute("UPDATE runs SET created=? WHERE id=?", (created, run_id))


def test_the_listing_says_what_each_runs_whole_summary_says(tmp_path: Path) -> None:
    """Each key of ``PASS_KEYS`` the listing's flag depends on, read by SQLite."""
    path = tmp_path / "runs.db"
    with RunStore(path, compaction="off") as store:
        _run(store, "judged", {"tested": 5, "untested_reason": "the model answers one class"}, 4)
        _run(store, "answered", {"tested": 0, "answer_tested": 3, "stop_reason": "time"}, 3)
        _run(store, "partway", {"tested": 5, "incomplete_reason": "the time ran out"}, 2)
        _run(store, "plain", {"tested": 5}, 1)
    result = runner.invoke(app, ["runs", "--store", str(path)])
    close_open_stores()
    assert result.exit_code == 0, result.output
    flags = {line.split()[0]: line for line in result.output.splitlines()}
    assert flags["judged"].endswith("NOTHING WAS TESTED")
    assert "TESTED" not in flags["answered"]  # (the answer's tests count)
    assert flags["partway"].endswith("NOT EVERYTHING WAS TESTED")
    assert "TESTED" not in flags["plain"]


def test_a_stalled_runs_resume_line_repeats_the_reports_it_keeps(tmp_path: Path) -> None:
    """The listing reads runs brief (no config); the resume line reads the run whole."""
    path = tmp_path / "runs.db"
    junit = str(tmp_path / "junit.xml")
    with RunStore(path, compaction="off") as store:
        store.create_run(
            run_id="stuck", technique="fairness", seed=1, command="assay fairness m.pkl",
            config={"reports": {"--junit": junit}}, model={}, versions={},
        )  # fmt: skip
        store._db.execute("UPDATE runs SET updated=0 WHERE id='stuck'")
    result = runner.invoke(app, ["runs", "--store", str(path)])
    close_open_stores()
    assert result.exit_code == 0, result.output
    assert "stalled" in result.output
    resume = [line for line in result.output.splitlines() if "assay resume stuck" in line]
    assert len(resume) == 1 and f"--junit {junit}" in resume[0], result.output


def _older(path: Path, schema: int) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(schema),))
    db.close()


def test_the_upgrade_note_is_said_once_a_store_and_names_who_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.db"
    RunStore(path).close()
    _older(path, 2)
    RunStore(path).close()
    said = " ".join(capsys.readouterr().err.split())
    assert "(schema 2)" in said and "an assay of schema 2 refuses it" in said
    _older(path, 2)  # (moved back by an older assay's own tooling: said once a process)
    RunStore(path).close()
    assert capsys.readouterr().err == ""


def test_nothing_beside_is_false_with_any_of_sqlites_files_or_an_unwritable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.db"
    RunStore(path).close()
    assert store_file.nothing_beside(path)
    for end in ("-wal", "-shm", "-journal"):
        beside = Path(f"{path}{end}")
        beside.write_bytes(b"")
        assert not store_file.nothing_beside(path), end
        beside.unlink()
    real = os.access
    monkeypatch.setattr(
        store_file.os, "access", lambda p, mode: False if Path(p) == tmp_path else real(p, mode)
    )
    assert not store_file.nothing_beside(path)  # (a folder where -wal cannot be removed)


def test_a_read_only_store_refuses_a_write_even_through_its_connection(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    RunStore(path).close()
    with RunStore(path, read_only=True) as reader, pytest.raises(sqlite3.OperationalError):
        reader._db.execute("UPDATE meta SET value='9' WHERE key='schema'")
    with RunStore(path, read_only=True) as reader:
        assert reader._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] != "9"


def test_the_damage_hint_quotes_each_path_for_the_shell() -> None:
    hint = store_file.damage_hint(Path("/ci/my runs.db"), "database disk image is malformed")
    assert "(assay salvage '/ci/my runs.db' '/ci/my runs.db.saved')" in hint
    assert "(mv '/ci/my runs.db' '/ci/my runs.db.damaged')" in hint


def _on_another_thread(store: RunStore, sql: str) -> list[Any]:
    """The connection another thread's statements go through, and what ``sql`` gave or
    raised there."""
    got: list[Any] = []

    def work() -> None:
        db = store._db
        got.append(db)
        try:
            got.append(db.execute(sql).fetchall())
        except sqlite3.Error as exc:
            got.append(exc)

    import threading

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    return got


def test_another_threads_connection_is_the_stores_kind_and_closed_with_it(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        db, rows = _on_another_thread(store, "PRAGMA secure_delete")
        assert db is not store._conn and rows == [(2,)]  # (FAST, as the store's own)
    with pytest.raises(sqlite3.ProgrammingError):  # closed with the store
        db.execute("SELECT 1")
    with RunStore(path, read_only=True) as reader:
        _, refused = _on_another_thread(reader, "UPDATE meta SET value='9' WHERE key='schema'")
        assert isinstance(refused, sqlite3.OperationalError)
    with RunStore(path, read_only=True) as reader:
        assert reader._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] != "9"


def test_a_thread_lent_the_store_uses_its_own_connection(tmp_path: Path) -> None:
    """A run's checkpoint thread writes through the store's connection (``lend``)."""
    import threading

    seen: list[bool] = []
    with RunStore(tmp_path / "runs.db") as store:

        def work() -> None:
            with store.lend():
                seen.append(store._db is store._conn)
            seen.append(store._db is store._conn)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(30)
    assert seen == [True, False]


def test_a_summary_key_that_is_no_name_is_refused_before_sql(tmp_path: Path) -> None:
    """The keys are put in the SQL as JSON paths: only plain names are taken."""
    path = tmp_path / "runs.db"
    with RunStore(path, compaction="off") as store:
        _run(store, "r1", {"tested": 5}, 1)
    with RunStore(path, read_only=True) as store:
        for key in ("tested'", "a.b", "tested[0]", "x y"):
            with pytest.raises(ValueError, match="not a summary key"):
                store.get_run("r1", brief=True, summary_keys=[key])
        assert store.get_run("r1", brief=True, summary_keys=["tested"]).summary == {"tested": 5}
