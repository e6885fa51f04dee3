"""``assay show RUN`` of a run that stopped before its search ended gives the line that
resumes it, the one ``assay show --json`` gives as ``resume`` (docs53's Left: a run whose
served model stopped answering, or that failed, was told "resume the run when it is back" /
"the run failed before it finished" with no command, where its ``--json`` gave the line)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore


def _store(tmp_path: Path, status: str) -> Path:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="text-1", technique="text", seed=3, command="assay text a.py:f b.py:g",
            config={}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="text-invariance",
            inputs=np.asarray([["Kenji is brilliant.", "John is brilliant."]]),
            outputs=np.asarray([[0.4, 0.6]]),
            severity=np.asarray([0.39]),
        )
        store.checkpoint(
            "text-1", findings=[batch], status=status, progress={"queries": 400},
            summary={"headline": "12 invariance failures found in 400 queries"},
        )  # fmt: skip
    return path


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit):
        main(list(args))
    said = capsys.readouterr()
    return said.out + said.err


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
