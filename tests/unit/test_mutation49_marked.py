"""mutation49: how a run is marked when its work fails (``core.interrupted``), what a JUnit
file adds beside the headline (``report.junit._aside``), and which ``--classes`` a rerun
line replaces (``core.runinfo``)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from assay.core.interrupted import guarded_run
from assay.core.runinfo import _classes_said
from assay.core.store import RunStore, new_run_id
from assay.errors import ModelUnavailable
from assay.report.junit import _aside


def test_a_model_that_went_away_marks_the_run_model_unavailable(tmp_path: Path) -> None:
    # (IN2) a served model gone mid-run: "model_unavailable" (resumable), not "failed"
    with RunStore(tmp_path / "s.db") as store:
        run_id = new_run_id("fairness")
        store.create_run(
            run_id=run_id, technique="fairness", seed=3, command="c", config={}, model={},
            versions={},
        )  # fmt: skip
        store.claim(run_id)
        with pytest.raises(ModelUnavailable), guarded_run(store, run_id):
            raise ModelUnavailable("http://m:8000 refused the connection")
        record = store.get_run(run_id)
    assert record.status == "model_unavailable", record.status
    assert "refused the connection" in str(record.error)


def test_a_note_the_headline_says_is_not_said_twice() -> None:
    # (JU1) a note ending in a full stop, said in the headline without it: not repeated
    summary = {"notes": ["read as logits.", "the other note."], "warnings": ["slow."]}
    headline = "FOUND 3 (read as logits; 2 s)"
    assert _aside(summary, headline) == [("warning", "slow."), ("note", "the other note.")]


def test_only_a_classes_file_is_replaced_in_a_rerun_line() -> None:
    # (RI3, RI4) --classes N (not a file) stays; a line that is no assay command stays
    config = {"invocation": {"classes": ["a", "b"]}}
    line = "assay fairness m.py --classes 2 --data @d.csv"
    assert _classes_said(line, config) == line
    other = "mytool --classes @c.txt"
    assert _classes_said(other, config) == other
    said = _classes_said("assay fairness m.py --classes @c.txt", config)
    assert shlex.split(said)[-1] == json.dumps(["a", "b"])
