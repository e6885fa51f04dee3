"""An interrupted run's headline is the same in every output (report46).

Before, the JSON report, the HTML and the JUnit file said "...; the run was interrupted;
resume it to search further" after the headline of the run's last checkpoint, while ``assay
runs --json``, ``assay show --json`` and ``assay show`` gave that headline alone, which reads
like a finished run's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report.document import build_document

HEADLINE = "12 invariance failures found in 400 queries"


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
            summary={"headline": HEADLINE, "tested": 400},
        )  # fmt: skip
    return path


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit):
        main(list(args))
    said = capsys.readouterr()
    return said.out + said.err


@pytest.mark.parametrize("status", ["interrupted", "completed"])
def test_every_output_gives_the_reports_headline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    path = _store(tmp_path, status)
    reported = build_document(RunStore(path, read_only=True), "text-1")["headline"]
    if status == "interrupted":
        assert reported == f"{HEADLINE}; the run was interrupted; resume it to search further"
    else:
        assert reported == HEADLINE
    listed = json.loads(_out(capsys, "runs", "--json", "--store", str(path)))["runs"][0]
    shown = json.loads(_out(capsys, "show", "text-1", "--json", "--store", str(path)))
    assert listed["headline"] == shown["headline"] == reported
    assert reported in _out(capsys, "show", "text-1", "--store", str(path)).splitlines()
