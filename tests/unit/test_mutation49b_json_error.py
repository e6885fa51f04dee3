"""mutation49b: ``--json``'s error document names the run's commands as the terminal's line
does (``cli.app._json_error``, left48r): a served model's "a stopped run: assay resume
RUN_ID --batch-size 8" is the run's own resume line, which pastes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli import leftover
from assay.cli.app import guarded
from assay.core.store import RunStore
from assay.errors import ModelError

from test_mutation49_store_clock import _create  # isort: skip

STOPPED = "the endpoint refused the batch (a stopped run: assay resume RUN_ID --batch-size 8)"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    leftover.forget()
    yield
    leftover.forget()


def failed_in_run(store: Path, error: Exception, status: str | None = None) -> int:
    """A guarded ``fairness`` command that made run r-1 in ``store`` (left at ``status``:
    None, running) and then raised ``error``, called with ``--json``: its exit code."""

    def fairness(**_: Any) -> None:  # (named as a command that makes runs)
        with RunStore(store) as s:
            _create(s)  # (r-1, made by "assay fairness m.py --data d.csv --protected sex")
            if status is not None:
                s.checkpoint("r-1", status=status)
        leftover.started("r-1", store)
        if status is not None:
            leftover.began()
        raise error

    with pytest.raises(typer.Exit) as stopped:
        guarded(fairness)(store=str(store), junit=None, as_json=True)
    return int(stopped.value.exit_code)


def test_the_json_error_fills_the_runs_resume_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (APP2) the run made, then the model fails saying how to resume it
    store = tmp_path / "runs.db"
    assert failed_in_run(store, ModelError(STOPPED)) == 3
    out = capsys.readouterr().out
    doc = json.loads(out[out.index("{") :])
    assert doc["run_id"] == "r-1" and doc["kind"] == "model_error"
    assert f"assay resume r-1 --store {store.as_posix()}" in doc["error"], doc["error"]
    assert doc["error"].endswith(" --batch-size 8)") and "RUN_ID" not in doc["error"]
