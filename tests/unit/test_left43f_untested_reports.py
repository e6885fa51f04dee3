"""left43f: a protected ``category`` column listing a value no data row holds (``X``) was never
tested, and the run gives no certificate: the terminal and the JSON document said so (the
verdict's ``untested``), but the HTML report showed a pass ("none found") with no word of it,
and the JUnit suite's passing case said only the headline.  Both now say it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from assay.core.store import RunStore
from assay.report import build_document
from assay.report.html import render_html
from assay.report.junit import render_junit

SAID = (
    "sex: 'X', among the column's categories but held by no data row, was never tested: the "
    "figures are of the values the data holds, and no certificate is given"
)


def _document(tmp_path: Path) -> dict[str, object]:
    store = RunStore(tmp_path / "runs.db")
    run_id = "fairness-20260101-000000-unh"
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="assay fairness m.skops --seed 1",
        config={"schema": {"features": [
            {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
            {"name": "income", "kind": "integer", "low": 0, "high": 9},
        ]}},
        model={"capabilities": {"class_names": ["bad", "good"]}}, versions={},
    )  # fmt: skip
    verdict = {
        "attribute": "sex", "basis": "exact", "share_uniform": 0.0, "uniform_low": 0.0,
        "uniform_high": 0.0, "share_data": 0.0, "data_low": 0.0, "data_high": 0.0,
        "level": "none found", "fails": None, "certificate": None, "untested": SAID,
    }  # fmt: skip
    summary = {"tested": 10, "verdict": [verdict], "notes": [SAID]}
    store.checkpoint(run_id, findings=[], status="completed", summary=summary)
    doc = build_document(store, run_id)
    store.close()
    return doc


def test_the_html_report_says_what_was_never_tested_under_the_verdict(tmp_path: Path) -> None:
    page = render_html(_document(tmp_path))
    verdict = page[page.index("Verdict per protected attribute") :]
    verdict = verdict[: verdict.index("</section>")]
    # main: the section held the table and its note alone
    assert "was never tested" in verdict and "no certificate is given" in verdict


def test_the_junit_suite_says_what_was_never_tested_beside_its_pass(tmp_path: Path) -> None:
    root = ET.fromstring(render_junit(_document(tmp_path)))
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props.get("untested") == SAID  # main: no such property
    (case,) = root.iter("testcase")
    out = case.find("system-out")
    assert out is not None and SAID in (out.text or "")
