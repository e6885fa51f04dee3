"""A refused ``assay resume`` never reads as resumed, nor as its verdict (status39).

On main a resume refused before it began (a changed model file: exit 2, the refusal on
stderr) printed on stdout the run's status line ("run RUN: unfinished, 60 findings
stored") and its headline ("NOT EVERYTHING WAS TESTED: ..."), the lines a run the command
resumed ends with: a CI log of stdout read the earlier command's outcome as this one's.
Now stdout says the run was not resumed and is as it was, without its headline (under
``--quiet`` the same on stderr; ``--json``'s error document says ``resumed`` false)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_status38_shown_status import _run, fixed_after_answer  # (tests/unit)
from typer.testing import CliRunner

from assay.cli.app import app, register

register()


def _refused(tmp_path: Path) -> tuple[str, str]:
    """status38's run whose model failed after its search (exit 3), its model file then
    changed: a resume of it is refused before it begins."""
    return fixed_after_answer(tmp_path, changed=True)


@pytest.mark.parametrize("how", ["plain", "quiet", "json"])
def test_a_refused_resume_prints_nothing_that_reads_as_resumed(tmp_path: Path, how: str) -> None:
    store, run_id = _refused(tmp_path)
    extra = {"plain": [], "quiet": ["--quiet"], "json": ["--json"]}[how]
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store, *extra])
    assert res.exit_code == 2, res.output
    assert "changed since" in res.stderr  # (the refusal)
    # main: "run RUN: unfinished, ..." and "NOT EVERYTHING WAS TESTED: ..." on stdout
    assert "NOT EVERYTHING WAS TESTED" not in res.output
    assert f"run {run_id}: " not in res.output
    if how == "plain":
        assert f"run {run_id} was not resumed, it is as it was: unfinished" in res.stdout
    elif how == "quiet":
        assert res.stdout == ""
        assert f"run {run_id} was not resumed, it is as it was: unfinished" in res.stderr
    else:
        doc = json.loads(res.stdout)  # (stdout holds the error's document alone)
        assert doc["exit_code"] == 2 and doc["run_id"] == run_id
        assert doc["resumed"] is False  # main: no key (a run_id beside an error)
        assert "was not resumed" in res.stderr


def test_a_resume_that_began_and_failed_says_it_resumed(tmp_path: Path) -> None:
    """The other side: a resume whose model fails once it began is the run's, said so."""
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store, "--json"])
    assert res.exit_code == 3, res.output
    doc = json.loads(res.stdout)
    assert doc["kind"] == "model_error" and doc["resumed"] is True
    assert f"run {run_id}: unfinished" in res.stderr and "was not resumed" not in res.stderr
