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
