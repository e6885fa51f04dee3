"""mutation53: dask52's resume where the units run (``execution.resume_where``) for a run
whose search has ended (a surviving mutant named by the test)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import assay
from assay.core.finishing import finishable
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_a_dask_run_whose_search_ended_is_finished_without_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # I7 (``if moved is None and not finishing`` -> ``if moved is None``): a Dask run whose
    # search had ended, its determinism section left to write (no unit left to run), was
    # refused where this Python has no Dask ("ran on Dask ... install it")
    db = tmp_path / "runs.db"
    result = assay.check_fairness(
        dataset="german", protected="sex", max_queries=300, seed=3, units=2, store=db
    )
    with RunStore(db) as store:
        summary = {**(store.get_run(result.run_id).summary or {}), "unfinished": ["determinism"]}
        store.set_config(
            result.run_id,
            execution={"executor": "dask", "workers": 2, "scheduler": None, "units": 2},
        )
        store.checkpoint(result.run_id, summary=summary)
        assert finishable(store.get_run(result.run_id))
    monkeypatch.setitem(sys.modules, "distributed", None)  # (as if not installed)
    finished = assay.resume_run(result.run_id, store=db)
    assert finished.status == "completed"


def test_a_run_not_split_into_units_resumes_in_this_process_when_asked(tmp_path: Path) -> None:
    # I2 (``if not units and executor != "inprocess"`` -> ``if not units``): a run never
    # split into units, resumed with ``executor="inprocess"`` (where it runs anyway), was
    # refused as "not split into units"
    import threading

    stop = threading.Event()
    stop.set()
    db = tmp_path / "runs.db"
    result = assay.check_fairness(
        dataset="german", protected="sex", max_queries=300, seed=3, store=db, stop=stop
    )
    assert result.status == "interrupted"
    resumed = assay.resume_run(result.run_id, store=db, executor="inprocess")
    assert resumed.status in ("completed", "budget_exhausted"), resumed.status
