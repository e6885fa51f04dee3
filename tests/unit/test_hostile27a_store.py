"""hostile27a: the run store as a platform team keeps it in CI over months: a store of a
newer assay is refused and left as it was (never given this assay's tables, nor switched
to WAL, before the refusal)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import StoreError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()


def _newer_store(path: Path) -> None:
    """A store as a newer assay (schema 4) might leave it: a table dropped, one renamed, a
    rollback journal."""
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='4' WHERE key='schema'")
    db.execute("DROP TABLE state")
    db.execute("ALTER TABLE tallies RENAME TO counts")
    db.commit()
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_of_a_newer_assay_is_refused_and_left_as_it_was(
    tmp_path: Path, read_only: bool
) -> None:
    path = tmp_path / "runs.db"
    _newer_store(path)
    before, tables = _digest(path), _tables(path)
    with pytest.raises(StoreError, match=r"store schema 4 is newer than this assay") as err:
        RunStore(path, read_only=read_only)
    assert "left as it is" in str(err.value)
    assert _digest(path) == before  # not switched to WAL
    assert _tables(path) == tables == {"meta", "runs", "findings", "counts"}  # none made again
    assert not Path(f"{path}-wal").exists()
