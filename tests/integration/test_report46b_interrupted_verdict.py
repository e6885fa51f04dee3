"""An interrupted run's verdict says it has not ended, its findings so far beside (report46b).

Before, ``show``, ``report``, ``runs --json`` and the JSON report read "the run's verdict: 1
finding at or above --fail-on 0 (exit 130)": a failure verdict for a run still to be resumed,
while the HTML said "none yet: the run has not ended".  Every output now says "the run is
interrupted: it has not ended; its findings so far: 1 at or above --fail-on 0", the exit code
130 beside; a finished run's verdict is unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report.document import build_document
from assay.report.html import render_html

SO_FAR = "its findings so far: 1 at or above --fail-on 0"


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
            summary={"headline": "1 invariance failure found in 400 queries", "tested": 400},
        )  # fmt: skip
    return path


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    said = capsys.readouterr()
    return int(e.value.code or 0), said.out + said.err


def _verdicts(tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str) -> list[str]:
    path = _store(tmp_path, status)
    doc = build_document(RunStore(path, read_only=True), "text-1")
    _, listed = _out(capsys, "runs", "--json", "--store", str(path))
    _, shown_json = _out(capsys, "show", "text-1", "--json", "--store", str(path))
    _, shown = _out(capsys, "show", "text-1", "--store", str(path))
    later_json = str(tmp_path / "later.json")
    _, later = _out(capsys, "report", "text-1", "--store", str(path), "--report", later_json)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(doc)))
    said = [
        doc["verdict"],
        json.loads(listed)["runs"][0]["verdict"],
        json.loads(shown_json)["verdict"],
        *[ln for ln in shown.splitlines() if ln.startswith("the run's verdict:")],
        *[ln for ln in later.splitlines() if ln.startswith("the run's verdict:")],
    ]
    return [*said, page]


def test_an_interrupted_runs_verdict_says_it_has_not_ended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _verdicts(tmp_path, capsys, "interrupted")
    assert len(said) >= 5, said
    for line in said:
        assert "has not ended" in line and SO_FAR in line, line
        # main: "the run's verdict: 1 finding at or above --fail-on 0 (exit 130)"
        assert "verdict: 1 finding" not in line, line


def test_a_finished_runs_verdict_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _verdicts(tmp_path, capsys, "completed")
    assert said[0] == "the run's verdict: 1 finding at or above --fail-on 0 (exit 1)"
    assert all("so far" not in s for s in said)
