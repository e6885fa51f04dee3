"""mutation48b: a text or backdoor campaign (``core.units.execute_units``) whose model or
store fails keeps the units that had ended out of order; it gives the run up when its store
fails too.

Survivors of mutation48 these kill: UN2 (when the store failed once, the units that had
ended out of order, waiting for the one whose write failed, not committed where the store
then took them: their findings lost, run again by a resume) and UN1 (a store failing on a
failed model's last write left the run claimed by this process, not given up: ``assay runs``
showed it running, not stalled, until the process ended; the API's ``guarded_run`` gives it
up on its way out as well).

Bug found writing UN2's test, fixed: the unit whose write failed was already counted done, so
the units committed after it (ended out of order) stored a snapshot marking it done; a
resume skipped it and its findings were never stored (``units_done`` 4 where 3 were kept)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_core_units import _SumModel, _Toy  # (a toy search and model: tests/unit)

from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, Unit, UnitResult, execute_units
from assay.errors import ModelError, StoreError


class _ThirdOfFirstFails(InProcessUnits):
    """Unit 0 ends, unit 2 ends before unit 1, whose model then fails (as a cluster's
    units may end)."""

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        ended = list(super().run(technique, model, units[:3]))
        yield ended[0]
        yield ended[2]
        raise ModelError("the model raised: ConnectionError")


def _new(store: RunStore) -> str:
    run_id = new_run_id("toy")
    store.create_run(
        run_id=run_id, technique="toy", seed=3, command="", config={}, model={}, versions={}
    )
    store.claim(run_id)
    return run_id


def _execute(store: RunStore, run_id: str) -> None:
    execute_units(
        _Toy(), _SumModel(), store=store, run_id=run_id, seed=3, n_units=6,
        executor=_ThirdOfFirstFails(),
    )  # fmt: skip


def test_a_failed_model_keeps_the_units_that_ended_out_of_order(tmp_path: Path) -> None:
    with RunStore(tmp_path / "r.db") as store:
        run_id = _new(store)
        with pytest.raises(ModelError):
            _execute(store, run_id)
        record = store.get_run(run_id)
    assert record.status == "failed" and "ConnectionError" in str(record.error)
    assert record.progress["units_done"] == 2, record.progress


def test_a_store_failing_on_a_failed_models_last_write_gives_the_run_up(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = RunStore(path)
    run_id = _new(store)
    real = store.checkpoint

    def fails_on_status(rid: str, **kw: Any) -> None:  # (a full disk at the failure's write)
        if kw.get("status"):
            raise StoreError(f"{path}: writing the run store failed: disk I/O error")
        real(rid, **kw)

    store.checkpoint = fails_on_status  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk I/O error"):
        _execute(store, run_id)
    assert not store.claimed(run_id)  # (shown stalled at once, not "running")
    with RunStore(path, read_only=True) as other:
        assert other.get_run(run_id).status == "running"
    store.close()


class _Shuffled(InProcessUnits):
    """Units 0, 2, 3 end before unit 1."""

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        ended = list(super().run(technique, model, units))
        yield from (ended[i] for i in (0, 2, 3, 1, 4, 5))


def test_a_store_failing_once_keeps_the_units_that_ended_out_of_order(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = RunStore(path)
    run_id = _new(store)
    real = store.checkpoint
    calls: list[int] = []

    def fails_once(rid: str, **kw: Any) -> None:  # (unit 1's write: EFBIG, then room again)
        calls.append(1)
        if len(calls) == 2:
            raise StoreError(f"{path}: writing the run store failed: disk I/O error")
        real(rid, **kw)

    store.checkpoint = fails_once  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk I/O error"):
        execute_units(
            _Toy(), _SumModel(), store=store, run_id=run_id, seed=3, n_units=6,
            executor=_Shuffled(),
        )  # fmt: skip
    store.close()
    with RunStore(path, read_only=True) as other:
        record = other.get_run(run_id)
        snapshot = other.load_snapshot(run_id)
    assert record.status == "running" and record.progress["units_done"] == 3, record.progress
    # (what a resume reads: unit 1, whose write failed, is run again, not taken as done)
    assert snapshot is not None and sorted(snapshot.values["units_done"]) == ["0", "2", "3"]
