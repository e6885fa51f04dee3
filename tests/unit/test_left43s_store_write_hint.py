"""A write of the run store refused mid-run names the run's own resume command.

Before, stderr's advice read "continue the run with assay resume RUN_ID": a placeholder to
fill in, the real id only on stdout (or, under ``--quiet``, a later line).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.errors import StoreError


class _Refusing:
    """The store's connection, its COMMIT refused as a file size limit refuses it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            raise sqlite3.OperationalError("disk I/O error")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_refused_write_names_the_runs_resume_command(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="fairness-20261206-1-abcd", technique="fairness", seed=1,
            command="assay fairness m.py:f", config={}, model={"spec": "m.py:f"}, versions={},
        )  # fmt: skip
        store._conn = _Refusing(store._conn)  # type: ignore[assignment]
        with pytest.raises(StoreError) as err:
            store.checkpoint("fairness-20261206-1-abcd", progress={"queries": 10})
        store._conn = store._conn.db  # type: ignore[attr-defined]
    said = str(err.value)
    assert "RUN_ID" not in said and "ulimit -f" in said
    assert f"assay resume fairness-20261206-1-abcd --store {store.path}" in said
