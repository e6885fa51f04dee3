"""``assay show RUN`` of a run that stopped before its search ended gives the line that
resumes it, the one ``assay show --json`` gives as ``resume`` (docs53's Left: a run whose
served model stopped answering, or that failed, was told "resume the run when it is back" /
"the run failed before it finished" with no command, where its ``--json`` gave the line).
The store is report46's (one text run of the given status)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report46_interrupted_headline import _out, _store


@pytest.mark.parametrize("status", ["interrupted", "failed", "model_unavailable"])
def test_show_gives_the_resume_line_its_json_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    path = _store(tmp_path, status)
    line = json.loads(_out(capsys, "show", "text-1", "--json", "--store", str(path)))["resume"]
    assert line.startswith("assay resume text-1 --store ")
    shown = _out(capsys, "show", "text-1", "--store", str(path)).splitlines()
    assert f"          (resume: {line})" in shown


def test_an_ended_run_is_given_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _store(tmp_path, "completed")
    assert "assay resume" not in _out(capsys, "show", "text-1", "--store", str(path))
