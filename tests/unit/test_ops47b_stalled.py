"""ops47b: a run whose store failed, and a stalled run, said alike everywhere.

Before: a text or backdoor campaign (``core.units``) whose store failed mid-run was marked
``failed`` where the small write of its status still fitted (and ``running``, stalled,
where it did not), while a fairness run (``core.run``) always stayed ``running``, shown
stalled: ``assay runs`` listed the same failure two ways.  And ``assay runs --json`` /
``assay show --json`` gave a stalled run's ``status`` as "running" with nothing beside it,
where the terminal's listing said "stalled"."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from test_core_units import _SumModel, _Toy  # (a toy search and model: tests/unit)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.retention import status_of
from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, execute_units
from assay.errors import StoreError


def _new(store: RunStore) -> str:
    run_id = new_run_id("toy")
    store.create_run(
        run_id=run_id, technique="toy", seed=3, command="", config={}, model={}, versions={}
    )
    return run_id


def test_a_campaign_whose_store_fails_stays_running_shown_stalled_as_a_fairness_run(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    store = RunStore(path)
    run_id = _new(store)
    real = store.checkpoint
    commits: list[int] = []

    def fails_once(rid: str, **kw: Any) -> None:  # (the batch of the third unit: EFBIG)
        commits.append(1)
        if len(commits) == 3:
            raise StoreError(f"{path}: writing the run store failed: disk I/O error")
        real(rid, **kw)  # (the status write after it fits: it used to be made, "failed")

    store.checkpoint = fails_once  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk I/O error"):
        execute_units(
            _Toy(), _SumModel(), store=store, run_id=run_id, seed=3, n_units=6,
            executor=InProcessUnits(),
        )  # fmt: skip
    with RunStore(path, read_only=True) as other:  # (as `assay runs` in another process)
        record = other.get_run(run_id)
        assert record.status == "running" and record.error is None
        assert status_of(other, record, time.time()) == "stalled"
        assert record.progress["units_done"] == 2  # at its last commit: resumable
    store.close()


def test_runs_and_show_json_say_a_stalled_run_stalled_as_the_listing_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    store = RunStore(path)
    gone, ended = _new(store), _new(store)
    store.claim(gone)
    store.give_up(gone)  # (its process gone: the lock file left, held by nobody)
    store.checkpoint(ended, status="completed", summary={"headline": "nothing found"})
    store.close()
    register()
    runner = CliRunner()
    listing = runner.invoke(app, ["runs", "--store", str(path)])
    assert listing.exit_code == 0, listing.output
    line = next(x for x in listing.output.splitlines() if x.startswith(gone))
    assert "stalled" in line
    listed = json.loads(runner.invoke(app, ["runs", "--json", "--store", str(path)]).output)
    by_id = {r["id"]: r for r in listed["runs"]}
    assert by_id[gone]["stalled"] is True and by_id[gone]["status"] == "running"
    assert by_id[ended]["stalled"] is False and by_id[ended]["status"] == "completed"
    shown = runner.invoke(app, ["show", gone, "--json", "--store", str(path)])
    assert json.loads(shown.output)["stalled"] is True, shown.output
    shown = runner.invoke(app, ["show", ended, "--json", "--store", str(path)])
    assert json.loads(shown.output)["stalled"] is False, shown.output


def test_a_text_or_backdoor_run_whose_store_fails_is_not_marked_failed_by_its_api(
    tmp_path: Path,
) -> None:
    """``guarded_run`` (around ``check_text``/``check_backdoor``'s work) wrote "failed" with
    the store's error over the run ``core.run`` had left running for its store's failure,
    where that small write fitted: ``assay runs`` said "failed" of a text run, "stalled" of
    a fairness run that failed alike (ops47's 60,000-query text run under ``ulimit -f``)."""
    from assay.core.interrupted import guarded_run

    path = tmp_path / "r.db"
    store = RunStore(path)
    run_id = _new(store)
    store.claim(run_id)
    with pytest.raises(StoreError), guarded_run(store, run_id):
        raise StoreError(f"{path}: writing the run store failed: disk I/O error")
    with RunStore(path, read_only=True) as other:
        record = other.get_run(run_id)
        assert record.status == "running" and record.error is None
        assert status_of(other, record, time.time()) == "stalled"
    store.close()
