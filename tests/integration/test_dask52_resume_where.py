"""dask52: where a resumed run's units run (``execution.resume_where``).

A Dask run resumed where this Python has no Dask, or whose scheduler no longer answers, was
marked ``failed`` with "argument --executor: --executor dask needs the [dask] extra" (an
option ``assay resume`` did not take) and "a resume keeps this run's options: fix the problem
in a new run", though its units find the same in this process.  Now such a resume is refused
before the run is touched, naming ``--executor inprocess``, which runs the units here."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError

register()

ASKED: dict[str, Any] = {"dataset": "german", "protected": "sex", "max_queries": 1200, "seed": 3}


def _stopped(db: Path, execution: dict[str, Any] | None, units: int | None = 2) -> str:
    """A run of ``units`` units stopped at once, stored as made with ``execution``."""
    stop = threading.Event()
    stop.set()
    result = assay.check_fairness(**ASKED, units=units, store=db, stop=stop)
    assert result.status == "interrupted"
    if execution is not None:
        with RunStore(db) as store:
            store.set_config(result.run_id, execution=execution)
    return str(result.run_id)


def _as_it_was(db: Path, run_id: str) -> tuple[Any, ...]:
    with RunStore(db) as store:
        run = store.get_run(run_id)
        return run.status, run.updated, run.error, run.config.get("execution")


def _findings(db: Path, run_id: str) -> list[Any]:
    with RunStore(db) as store:
        return [b.inputs.tobytes() for b in store.iter_batches(run_id)]


DASK = {"executor": "dask", "workers": 2, "scheduler": None, "units": 2}


def test_a_dask_run_resumed_without_dask_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "runs.db"
    run_id = _stopped(db, DASK)
    before = _as_it_was(db, run_id)
    monkeypatch.setitem(sys.modules, "distributed", None)  # (as if not installed)
    with pytest.raises(UsageError) as got:
        assay.resume_run(run_id, store=db)
    assert "has no Dask" in str(got.value) and "executor='inprocess')" in str(got.value)
    assert _as_it_was(db, run_id) == before  # (before: failed, its options blamed)


def test_a_dask_run_whose_scheduler_is_gone_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "runs.db"
    gone = {**DASK, "workers": None, "scheduler": f"tcp://127.0.0.1:{port}"}
    run_id = _stopped(db, gone)
    before = _as_it_was(db, run_id)
    with pytest.raises(UsageError) as got:
        assay.resume_run(run_id, store=db)
    said = str(got.value)
    assert "cannot reach the Dask scheduler" in said and "executor='inprocess')" in said
    assert _as_it_was(db, run_id) == before


def test_a_dask_run_resumed_in_this_process_finds_what_it_would_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = assay.check_fairness(**ASKED, units=2, store=tmp_path / "ref.db")
    db = tmp_path / "runs.db"
    run_id = _stopped(db, DASK)
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = assay.resume_run(run_id, store=db, executor="inprocess")
    assert result.status == "completed"
    assert _findings(db, run_id) == _findings(tmp_path / "ref.db", ref.run_id)
    assert _findings(db, run_id)  # (something to compare)
    kept = _as_it_was(db, run_id)[3]  # later resumes run here too
    assert kept == {"executor": "inprocess", "workers": None, "scheduler": None, "units": 2}


def test_a_run_not_split_into_units_is_not_moved_to_dask(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    run_id = _stopped(db, None, units=None)
    before = _as_it_was(db, run_id)
    with pytest.raises(UsageError) as got:
        assay.resume_run(run_id, store=db, workers=2)
    assert "not split into units" in str(got.value)
    assert _as_it_was(db, run_id) == before


def test_assay_resume_takes_executor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "runs.db"
    run_id = _stopped(db, DASK)
    monkeypatch.setitem(sys.modules, "distributed", None)
    args = ["resume", run_id, "--store", str(db)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "argument --executor:" in res.stderr and "it is as it was" in res.stdout
    assert f"assay resume {run_id} --store" in res.stderr and "--executor inprocess" in res.stderr
    assert "fix the problem in a new run" not in res.output
    res = CliRunner().invoke(app, [*args, "--executor", "inprocess"])
    assert res.exit_code == 1, res.output  # (german by sex: found)
    assert _as_it_was(db, run_id)[0] == "completed"


def test_a_run_begun_here_resumes_on_a_local_cluster_to_the_same_findings(
    tmp_path: Path,
) -> None:
    """The other way: begun in this process, its units resumed on a local Dask cluster
    (``assay resume RUN --workers N``): the same findings; later resumes run there."""
    pytest.importorskip("distributed")
    ref = assay.check_fairness(**ASKED, units=2, store=tmp_path / "ref.db")
    db = tmp_path / "runs.db"
    run_id = _stopped(db, None)
    result = assay.resume_run(run_id, store=db, workers=1)
    assert result.status == "completed"
    assert _findings(db, run_id) == _findings(tmp_path / "ref.db", ref.run_id)
    assert _as_it_was(db, run_id)[3] == {**DASK, "workers": 1}
