"""A hostile user's run store and campaign engine: a store path that is a folder, a SQLite
database of something else (left untouched), a schema version that is not a number, a
folder that cannot be written; a resumed campaign's rates per second of the whole run, and
a campaign whose executor fails with a bug is never left 'running'."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_core_units import _Draws, _SumModel, _Toy  # (a toy search and model: tests/unit)

from assay.core.checkpoint import Snapshot
from assay.core.run import RunInterrupted
from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, Unit, UnitResult, execute_units
from assay.errors import ModelError, StoreError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_store_path_that_is_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder, not a run store file") as err:
        RunStore(tmp_path)
    assert str(tmp_path / "runs.db") in str(err.value)


def test_a_sqlite_database_of_something_else_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    other = tmp_path / "app.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    db.execute("INSERT INTO users VALUES (1, 'ada')")
    db.commit()
    db.close()
    before = _digest(other)
    with pytest.raises(StoreError, match=r"not an assay run store \(its tables: users\)"):
        RunStore(other)
    assert _digest(other) == before  # no tables added, not switched to WAL
    assert not Path(f"{other}-wal").exists()
    tables = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    assert tables == {"users"}


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with RunStore(path) as store:
        assert store.list_runs() == []


@pytest.mark.parametrize("read_only", [False, True])
def test_a_schema_version_that_is_not_a_number_is_a_store_error(
    tmp_path: Path, read_only: bool
) -> None:
    path = tmp_path / "r.db"
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='x' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version is 'x', not a number"):
        RunStore(path, read_only=read_only)


def test_a_folder_that_cannot_be_written_is_named(tmp_path: Path, monkeypatch) -> None:
    import os

    from assay.core import store as store_module

    folder = tmp_path / "ro"
    folder.mkdir()

    def no_write(path: Any, mode: int) -> bool:
        return not (mode & os.W_OK)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(store_module.os, "access", no_write)
    monkeypatch.setattr(store_module.sqlite3, "connect", refuse)
    with pytest.raises(StoreError, match=r"its folder .*ro cannot be written: pass --store"):
        RunStore(folder / "r.db")


# -- campaigns ------------------------------------------------------------------------------
class _Slow(InProcessUnits):
    """Each unit takes ``pause`` seconds more; a Ctrl-C after ``stop_after`` units."""

    def __init__(self, pause: float, stop_after: int | None = None) -> None:
        self.pause, self.stop_after = pause, stop_after

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for n, result in enumerate(super().run(technique, model, units)):
            time.sleep(self.pause)
            if self.stop_after is not None and n == self.stop_after:
                raise KeyboardInterrupt
            yield result


def _campaign(store: RunStore, run_id: str, executor: Any, **kw: Any) -> Any:
    return execute_units(
        _Toy(), _SumModel(), store=store, run_id=run_id, seed=3, n_units=6,
        executor=executor, **kw,
    )  # fmt: skip


def _new(store: RunStore) -> str:
    run_id = new_run_id("toy")
    store.create_run(
        run_id=run_id, technique="toy", seed=3, command="", config={}, model={}, versions={}
    )
    return run_id


def test_a_resumed_campaign_counts_the_time_of_every_session(tmp_path: Path) -> None:
    """Rates are per second of the whole run: a campaign resumed after 3 of its 6 units
    counts the first session's seconds too (it counted only the resumed session's, so its
    findings per second were those of all six units over the time of three)."""
    store = RunStore(tmp_path / "r.db")
    run_id = _new(store)
    with pytest.raises(RunInterrupted):
        _campaign(store, run_id, _Slow(0.25, stop_after=3))
    first = store.get_run(run_id).progress["elapsed"]
    assert first >= 0.7  # three units committed, a quarter of a second each
    out = _campaign(store, run_id, _Slow(0.25), resume=True)
    assert out.status == "completed"
    assert out.progress["elapsed"] >= first + 0.7


def test_a_campaign_whose_executor_has_a_bug_is_recorded_failed(tmp_path: Path) -> None:
    class Broken(InProcessUnits):
        def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
            yield from super().run(technique, model, units[:1])
            raise ZeroDivisionError("a bug")

    store = RunStore(tmp_path / "r.db")
    run_id = _new(store)
    with pytest.raises(ZeroDivisionError):
        _campaign(store, run_id, Broken())
    record = store.get_run(run_id)
    assert record.status == "failed"
    assert "internal error: ZeroDivisionError" in (record.error or "")
    assert record.progress["units_done"] == 1
    assert record.n_findings > 0  # the unit that ended is kept


@pytest.mark.parametrize("fails_at", ["first", "last", "model"])
def test_a_run_whose_store_fills_up_reads_stalled_at_once(tmp_path: Path, fails_at: str) -> None:
    """The disk fills at a checkpoint: the run stays at its last one, and reads 'stalled'
    at once (its process is gone), not 'running' for a minute, during which prune and
    delete refused it as a run that may still run."""
    from assay.core.retention import status_of
    from assay.core.run import execute

    path = tmp_path / "r.db"
    store = RunStore(path)
    run_id = _new(store)
    real = store.checkpoint
    calls: list[int] = []

    def fills(rid: str, **kw: Any) -> None:
        calls.append(1)
        if fails_at == "first" or kw.get("status") is not None:
            raise StoreError(f"{path}: writing the run store failed: database or disk is full")
        real(rid, **kw)

    store.checkpoint = fills  # type: ignore[method-assign]

    class Search(_Draws):
        def snapshot(self) -> Snapshot:
            return Snapshot(values={"left": self.left})

    class Toy(_Toy):
        def search(self, model: Any, rng: Any) -> Search:
            return Search(model, rng, rounds=5, space=12)

    class Breaks(_SumModel):  # ("model": the model fails, then so does the store)
        asked = 0

        def predict(self, inputs: Any, /) -> Any:
            self.asked += 1
            if fails_at == "model" and self.asked > 2:
                raise ModelError("the model broke")
            return super().predict(inputs)

    with pytest.raises(StoreError, match="disk is full"):
        execute(Toy(), Breaks(), store=store, run_id=run_id, seed=3, commit_interval=0.0)
    assert calls
    with RunStore(path, read_only=True) as other:  # (as `assay runs` in another process)
        record = other.get_run(run_id)
        assert record.status == "running"
        assert status_of(other, record, time.time()) == "stalled"
    store.close()
