"""left28: a store of an older schema moved to this assay's says so, once, on stderr.

Before, the first write of a schema-2 store by this assay (even ``assay prune`` with nothing
to delete) moved it to schema 3 without a word; an older assay in another pipeline sharing
the store was refused from then on ("store schema 3 is newer than this assay understands
(2); upgrade assay"), and nobody had been told why.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.core.store_file import SCHEMA_VERSION


def _older_store(path: Path, schema: int) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="r1", technique="t", seed=1, command="c", config={}, model={}, versions={}
        )
        store.checkpoint("r1", status="completed")
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(schema),))
    db.close()


def _schema(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        (value,) = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    finally:
        db.close()
    return str(value)


def test_moving_a_store_to_this_schema_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.db"
    _older_store(path, 2)
    capsys.readouterr()
    with RunStore(path, read_only=True) as store:  # a reader never moves it
        assert store.get_run("r1").status == "completed"
    assert _schema(path) == "2"
    assert capsys.readouterr().err == ""
    with RunStore(path):
        pass
    assert _schema(path) == str(SCHEMA_VERSION)
    said = capsys.readouterr().err
    assert "schema 2" in said and f"now schema {SCHEMA_VERSION}" in said
    assert "upgrade assay wherever this store is shared" in said
    with RunStore(path):  # (already moved: nothing to say)
        pass
    assert capsys.readouterr().err == ""


def test_a_new_store_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with RunStore(tmp_path / "runs.db"):
        pass
    assert capsys.readouterr().err == ""
