"""A run that did not finish (Ctrl-C in a notebook, a model that failed) must not read as a
finished one: its headline, in the report and in the API's result, says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.fairness.result import FairnessResult
from assay.report.document import build_document
from assay.text.api import TextResult

HEADLINE = "12 discriminatory inputs found for sex in 500 queries and 0.1 s (wall clock)"


def _run(tmp_path: Path, status: str) -> tuple[RunStore, str]:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="r", technique="fairness", seed=0, command="c", config={}, model={}, versions={}
    )
    store.checkpoint("r", status=status, summary={"headline": HEADLINE})
    return store, "r"


@pytest.mark.parametrize(
    ("status", "said"),
    [("interrupted", "interrupted"), ("failed", "failed"), ("model_unavailable", "stopped")],
)
def test_the_report_headline_of_an_unfinished_run_says_so(
    tmp_path: Path, status: str, said: str
) -> None:
    store, run_id = _run(tmp_path, status)
    headline = build_document(store, run_id)["headline"]
    assert headline.startswith(HEADLINE)
    assert said in headline


def test_the_report_headline_of_a_finished_run_is_the_summary_one(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, "completed")
    assert build_document(store, run_id)["headline"] == HEADLINE


def test_the_api_headline_of_an_interrupted_run_says_so() -> None:
    fields: dict[str, Any] = {
        "run_id": "r",
        "seed": 0,
        "n_findings": 12,
        "max_severity": 1.0,
        "summary": {"headline": HEADLINE},
        "progress": {},
        "store": Path("runs.db"),
        "command": "c",
    }
    for cls in (FairnessResult, TextResult):
        result = cls(status="interrupted", **fields)
        assert result.headline.startswith(HEADLINE)
        assert "interrupted" in result.headline
        assert cls(status="completed", **fields).headline == HEADLINE
