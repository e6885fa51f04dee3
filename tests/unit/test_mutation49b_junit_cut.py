"""mutation49b: a JUnit case whose finding is cut to fit names the run's own report command
for the whole of it (``report.junit``, left48r), as the document gives it: never the
placeholder "assay report RUN", which does not paste."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from assay.report.junit import render_junit

REPORT = "assay report fairness-x --store /tmp/runs.db"


def test_a_cut_findings_case_names_the_runs_report_command() -> None:
    # (JU6) the document's report_command reaches the case's body
    big = {"kind": "fairness.idi", "index": 0, "severity": 1.0,
           "inputs": [list(range(4000))], "outputs": [0, 1]}  # fmt: skip
    doc = {
        "run": {"id": "fairness-x", "technique": "fairness", "status": "completed"},
        "findings": {"examples": [big], "total": 1},
        "headline": "1 finding",
        "report_command": REPORT,
    }
    root = ET.fromstring(render_junit(doc))
    failures = [f.text or "" for f in root.iter("failure")]
    assert len(failures) == 1, failures
    assert f"{REPORT} --report FILE" in failures[0], failures[0][-400:]
    assert "assay report RUN" not in failures[0]
