"""mutation48b: which errors mark a run failed once it exists, and which leave it as it is.

Survivors of mutation48 these kill: PH2 (a usage error after a fairness run's search had
ended, an export that cannot be written, marked the ended run failed) and IN1 (a store
error that is a usage error, a path that is no store, taken as the run's own store failing:
the run given up, left "running").  Before this branch IN1's branch re-raised at once: such
an error left a text or backdoor run "running" (later shown stalled, "its process is gone",
with a resume line), where any other usage error marked it failed; now it is marked failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.interrupted import guarded_run
from assay.core.store import RunStore, new_run_id
from assay.errors import NotAStoreError, StoreError, UsageError
from assay.fairness.phases import _failed_on_error


def _new(store: RunStore, status: str | None = None) -> str:
    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=3, command="c", config={}, model={},
        versions={},
    )  # fmt: skip
    if status is not None:
        store.checkpoint(run_id, status=status)
    return run_id


@pytest.mark.parametrize("status", ["completed", "budget_exhausted"])
def test_a_usage_error_after_the_search_ended_leaves_the_run_as_it_ended(
    tmp_path: Path, status: str
) -> None:
    with RunStore(tmp_path / "s.db") as store:
        run_id = _new(store, status)
        with pytest.raises(UsageError), _failed_on_error(store, run_id):
            raise UsageError("--export: cannot write out/x.csv", argument="--export")
        record = store.get_run(run_id)
    assert record.status == status and record.error is None


def test_a_usage_error_before_the_search_ended_marks_the_run_failed(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:
        run_id = _new(store)
        with pytest.raises(UsageError), _failed_on_error(store, run_id):
            raise UsageError("an ONNX graph takes numbers, given text")
        record = store.get_run(run_id)
    assert record.status == "failed" and "ONNX graph" in str(record.error)


def test_a_path_that_is_no_store_marks_the_run_failed_not_given_up(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:
        run_id = _new(store)
        store.claim(run_id)
        with pytest.raises(NotAStoreError), guarded_run(store, run_id):
            raise NotAStoreError(f"{tmp_path / 'b.txt'}: not an assay run store")
        record = store.get_run(run_id)
        assert record.status == "failed" and "not an assay run store" in str(record.error)


def test_the_runs_own_store_failing_leaves_it_running_given_up(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:  # (the case the branch is beside)
        run_id = _new(store)
        store.claim(run_id)
        with pytest.raises(StoreError), guarded_run(store, run_id):
            raise StoreError(f"{tmp_path / 's.db'}: writing the run store failed: disk full")
        assert store.get_run(run_id).status == "running" and not store.claimed(run_id)
