"""mutation41: ``show --json``'s ``resume`` for a run that has not ended (its model failed
in the search: ``assay resume`` continues it) is the line that continues it, as the
terminal's.  repro40's change (``resume`` for an ended run that a resume finishes) was tested
on an unfinished run only: with ``resume`` null for every run that is not finishable (RS5),
a failed or interrupted run's JSON gave a script nothing to continue it with, and every test
passed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app
from assay.core.store import ENDED

from test_status38_shown_status import _run  # isort: skip


def test_a_run_whose_model_failed_in_its_search_says_its_resume_in_json(tmp_path: Path) -> None:
    code, said, store, run_id = _run(tmp_path, "after 2")
    assert code == 3, said
    shown = json.loads(CliRunner().invoke(app, ["show", run_id, "--store", store, "--json"]).stdout)
    assert shown["search_status"] not in ENDED, shown["search_status"]
    assert isinstance(shown["resume"], str) and f"resume {run_id} --store" in shown["resume"]
    listed = json.loads(CliRunner().invoke(app, ["runs", "--store", store, "--json"]).stdout)
    assert listed["runs"][0]["resume"] == shown["resume"]
