"""docs44: ``ASSAY_CHECKPOINT_SECONDS=abc`` was refused (hostile44s) only once the run was
made and its checks had run: exit 2, but the run left behind ``stalled`` ("its process is
gone (killed, or its machine stopped)") with a resume line, where the README promises a bad
argument is "checked before a run is created, so a bad argument never leaves a stalled run".
It is refused before the run exists now; a number of seconds makes the run as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import UsageError


def _make(store: RunStore) -> None:
    store.create_run(
        run_id="r1",
        technique="fairness",
        seed=1,
        command="assay fairness m.skops",
        config={},
        model={},
        versions={},
    )


def test_a_mistyped_checkpoint_interval_makes_no_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "abc")
    with RunStore(tmp_path / "runs.db") as store:
        with pytest.raises(UsageError) as got:
            _make(store)
        assert "ASSAY_CHECKPOINT_SECONDS" in str(got.value)
        assert store.list_runs() == []


def test_a_number_of_seconds_makes_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0.5")
    with RunStore(tmp_path / "runs.db") as store:
        _make(store)
        assert [r.id for r in store.list_runs()] == ["r1"]


def test_a_resume_under_a_mistyped_interval_leaves_the_run_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interrupted run (stopped at once) resumed with the variable mistyped: refused before
    the run is claimed and written to (it was marked running, then stopped at the first
    checkpoint's reading)."""
    import threading

    import assay

    stop = threading.Event()
    stop.set()
    db = tmp_path / "runs.db"
    result = assay.check_fairness(
        dataset="german", protected="sex", max_queries=400, seed=1, store=db, stop=stop
    )
    assert result.status == "interrupted"
    with RunStore(db) as store:
        before = store.get_run(result.run_id)
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "2s")
    with pytest.raises(UsageError) as got:
        assay.resume_run(result.run_id, store=db)
    assert "ASSAY_CHECKPOINT_SECONDS" in str(got.value)
    with RunStore(db) as store:
        after = store.get_run(result.run_id)
    assert (after.status, after.updated, after.error) == (before.status, before.updated, None)
