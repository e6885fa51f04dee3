"""A run killed mid-run (a CI job's timeout: ``kill -9``) stays marked running in the store;
``assay runs`` and ``assay show`` call it stalled ("its process is gone"), but the report
built from it said "the run had not finished when this report was made" and its JUnit error
"the run is running", as if it were still going (hostile35)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document, render_html, render_junit


def _run(tmp_path: Path, *, killed: bool) -> RunStore:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="text-1", technique="text", seed=3, command="assay text a.py:f b.py:g --seed 3",
        config={}, model={}, versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="text-differential",
        inputs=np.asarray([["the food was awful."]]),
        outputs=np.asarray([[0.0, 1.0]]),
        severity=np.asarray([1.0]),
    )
    store.checkpoint("text-1", findings=[batch], progress={"queries": 40})
    if killed:
        store.give_up("text-1")  # (as a kill leaves it: the lock file, held by nobody)
    return store


def test_the_report_of_a_killed_run_says_its_process_is_gone(tmp_path: Path) -> None:
    store = _run(tmp_path, killed=True)
    doc = build_document(RunStore(tmp_path / "runs.db", read_only=True), "text-1")
    assert doc["run"]["status"] == "running" and doc["run"]["stalled"] is True
    assert "its process is gone" in doc["headline"], doc["headline"]
    assert "had not finished when this report was made" not in doc["headline"]
    junit = render_junit(doc)
    assert 'message="the run is stalled: its process is gone' in junit, junit
    assert "stalled" in render_html(doc)
    store.close()


def test_a_run_still_going_is_still_running(tmp_path: Path) -> None:
    store = _run(tmp_path, killed=False)  # (its process, this one, holds it)
    doc = build_document(RunStore(tmp_path / "runs.db", read_only=True), "text-1")
    assert "stalled" not in doc["run"]
    assert "had not finished when this report was made" in doc["headline"], doc["headline"]
    assert 'message="the run is running: ' in render_junit(doc)
    store.close()
