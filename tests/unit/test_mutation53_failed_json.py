"""mutation53: left52b's ``--json`` of a failed command (what ``cli.app._left_behind``
tells ``cli.failed_json``) on the two paths its own tests left open: a resume refused before
it began, and a run whose store can no longer be read (a surviving mutant named by each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assay.cli import leftover
from assay.cli.app import _left_behind
from assay.core.store import RunStore

from test_mutation49_store_clock import _create  # isort: skip


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    leftover.forget()
    yield
    leftover.forget()


def _told(command: str, options: dict[str, Any], run: str, store: Path) -> dict[str, Any]:
    leftover.forget(command)
    leftover.started(run, store)
    told: dict[str, Any] = {}
    _left_behind(command, {"as_json": True, **options}, 3, "model_error", "boom", told)
    return told


def test_a_refused_resume_gives_no_headline_of_the_run_it_did_not_resume(tmp_path: Path) -> None:
    # C4 (``headline=None if refused else ...`` -> the run's headline always): a resume
    # refused before it began said the earlier session's headline as this command's
    store = tmp_path / "runs.db"
    with RunStore(store) as runs:
        _create(runs)
        runs.checkpoint("r-1", status="failed", summary={"headline": "3 pairs found"})
    told = _told("resume", {}, "r-1", store)
    assert told["status"] == "failed" and told["headline"] is None, told
    assert told["resume"] == f"assay resume r-1 --store {store}"
    # the command that failed in the run itself says its headline
    told = _told("fairness", {}, "r-1", store)
    assert str(told["headline"]).startswith("3 pairs found"), told


def test_a_run_whose_store_cannot_be_read_says_its_reports_unwritten(tmp_path: Path) -> None:
    # C6 (``told["next"] = [said]`` dropped): the document's ``next`` was empty where the
    # terminal said the --report was not written and why
    gone = tmp_path / "gone" / "runs.db"
    told = _told("fairness", {"report": str(tmp_path / "r.json")}, "r-9", gone)
    assert told["store"] == str(gone)
    (line,) = told["next"]
    assert line.startswith("run r-9: its store could not be read, so no report of it was written")
    assert f"--report {tmp_path / 'r.json'}" in line
