"""mutation47b: ``assay verify``'s note that the store kept fewer witnesses than the run
counted (left46c) counts the findings it could not replay as kept: a backdoor run whose clean
images are gone replays none (every finding skipped, exit 2), and every witness was kept.
RC1 (the condition without ``result.skipped``) said "(0 witnesses were kept of the 3
findings the run counted; --keep-findings all keeps every one)" beside "3 could not be
replayed", a note that contradicts the store and advises an option that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.store import RunStore

register()
runner = CliRunner()


def _store(tmp_path: Path) -> str:
    path = str(tmp_path / "runs.db")
    with RunStore(path) as store:
        store.create_run(
            run_id="backdoor-1", technique="backdoor", seed=0, command="assay backdoor",
            config={"invocation": {"model": str(tmp_path / "m.py:predict"),
                                   "clean": str(tmp_path / "gone.npy")}},
            model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="backdoor-trigger",
            inputs=np.zeros((3, 1, 8, 8, 1)),
            outputs=np.zeros((3, 8)),
            severity=np.ones(3),
        )
        store.checkpoint(
            "backdoor-1", findings=[batch], status="completed", progress={},
            summary={"headline": "3 found"},
        )  # fmt: skip
    return path


def test_findings_not_replayed_are_not_said_to_be_witnesses_dropped(tmp_path: Path) -> None:
    store = _store(tmp_path)
    got = runner.invoke(app, ["verify", "backdoor-1", "--store", store, "--json"])
    assert got.exit_code == 2, got.output  # (nothing replayed: not everything was tested)
    doc, _ = json.JSONDecoder().raw_decode(got.output[got.output.index("{") :])
    assert doc["not_replayed"] == 3 and doc["findings"] == 0 and doc["run_counted"] == 3, doc
    assert doc["kept_note"] is None, doc
    assert "witnesses were kept" not in got.output, got.output
    said = runner.invoke(app, ["verify", "backdoor-1", "--store", store]).output
    assert "gone" in said and "witnesses were kept" not in said, said
