"""mutation28: the fairness HTML report leads with its answer only for a run that ended and
passed its checks of having tested (``report/html.py``'s ``answer_first``)."""

from __future__ import annotations

from typing import Any

from test_report_fairness import report  # noqa: F401  (the fixture: a fairness run's page)

from assay.report.html import render_html


def _with(doc: dict[str, Any], status: str, **summary: Any) -> dict[str, Any]:
    run = {**doc["run"], "status": status, "summary": {**doc["run"]["summary"], **summary}}
    return {**doc, "run": run}


def test_a_run_that_did_not_end_keeps_its_headline_first(
    report: tuple[str, dict[str, Any]],  # noqa: F811
) -> None:
    _, doc = report
    for status in ("interrupted", "running", "failed"):
        page = render_html(_with(doc, status))
        assert page.index('class="headline"') < page.index("Verdict per protected attribute")
        assert "<h2>Evidence</h2>" not in page


def test_a_run_that_tested_nothing_keeps_its_headline_first(
    report: tuple[str, dict[str, Any]],  # noqa: F811
) -> None:
    _, doc = report
    page = render_html(_with(doc, "completed", untested_reason="the model answers one class"))
    assert "<h2>Evidence</h2>" not in page
    page = render_html(_with(doc, "completed", verdict=None))
    assert "<h2>Evidence</h2>" not in page
