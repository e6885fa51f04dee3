"""mutation32: a run's config in rows of its own (``configs``, store schema 4: text31) against
the mutants its tests let live (bench/RESULTS.md, mutation32's table): a run salvage copies and
then takes out (its findings do not decode) leaves no config rows behind; a store of schema 3
opened read-only (no ``configs`` table, none made) reads its runs' configs from their rows;
the refusal of a database of something else lists its own tables, not assay's."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.findings import FindingBatch
from assay.core.salvage import salvage
from assay.core.store import RunStore
from assay.errors import StoreError


def _raw(path: Path, *statements: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        out: list[tuple[object, ...]] = []
        for sql in statements:
            out = db.execute(sql).fetchall()
        return out


def test_a_run_salvage_takes_out_leaves_no_config_rows(tmp_path: Path) -> None:
    """Mutant C2 (``salvage._drop`` without ``configs``): the run taken out of the new store
    kept its config rows there (a grammar, the command's files) with no run to own them."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    rng = np.random.default_rng(0)
    with RunStore(source, compaction="off") as store:
        for k in range(2):
            store.create_run(
                run_id=f"toy-{k}", technique="toy", seed=k, command="x",
                config={"grammar": {"text": "S -> 'a'"}, "k": k}, model={}, versions={},
            )  # fmt: skip
            batch = FindingBatch(
                "idi", rng.random((50, 2, 8)), rng.integers(0, 2, (50, 2)), rng.random(50)
            )
            store.checkpoint(f"toy-{k}", findings=[batch], status="completed")
    _raw(source, "UPDATE findings SET data=x'00ff00' WHERE run_id='toy-1'")
    done = salvage(source, target)
    assert [r.id for r in done.runs if r.outcome == "lost"] == ["toy-1"]
    assert _raw(target, "SELECT COUNT(*) FROM configs WHERE run_id='toy-1'") == [(0,)]
    kept = _raw(target, "SELECT COUNT(*) FROM configs WHERE run_id='toy-0'")
    assert kept == [(3,)]  # (grammar, k and, since ops48, the session clock)


def test_a_schema_3_store_opened_read_only_reads_configs_from_the_run_s_row(
    tmp_path: Path,
) -> None:
    """Mutant C11 (a missing ``configs`` table raised): a store an older assay wrote has no
    ``configs`` table, and a read-only open makes none; its run reads as stored."""
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="old1", technique="text", seed=1, command="c", config={}, model={},
            versions={},
        )  # fmt: skip
        store.checkpoint("old1", status="completed")
    _raw(
        path,
        "DROP TABLE configs",
        "UPDATE meta SET value='3' WHERE key='schema'",
        "UPDATE runs SET config='"
        + json.dumps({"grammar": {"text": "S -> a"}, "budget": {"max_queries": 5}})
        + "' WHERE id='old1'",
    )
    with RunStore(path, read_only=True) as store:
        config = store.get_run("old1").config
    assert config == {"grammar": {"text": "S -> a"}, "budget": {"max_queries": 5}}
    names = {r[0] for r in _raw(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "configs" not in names  # (read only: nothing made)


def test_a_foreign_database_is_named_by_its_own_tables(tmp_path: Path) -> None:
    """Mutant C13 (``configs`` not among assay's tables): a database without assay's meta
    table that holds a ``configs`` table beside its own is refused naming its own alone."""
    path = tmp_path / "other.db"
    _raw(path, "CREATE TABLE configs (a)", "CREATE TABLE orders (b)")
    with pytest.raises(StoreError) as info:
        RunStore(path)
    assert "(its tables: orders)" in str(info.value)
