"""A JUnit failure message for the findings beyond the file's cases said "N more findings in
the run store" when the store kept only its capped witnesses (``--keep-findings 0``: 64 of
1,341), overstating what a reader could open there (hostile35's Left 8).  It now says they are
counted there and how many it keeps; a store keeping every finding reads as before."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from test_witnesses import _batches, _run  # (the toy run: tests/unit)

from assay.core.witnesses import TOP
from assay.report import build_document
from assay.report.junit import render_junit


def _more_message(xml: str) -> str:
    root = ET.fromstring(xml)
    for case in root.iter("testcase"):
        if case.get("name") == "more findings":
            failure = case.find("failure")
            assert failure is not None
            return str(failure.get("message"))
    raise AssertionError("no 'more findings' case")


def test_a_capped_store_is_not_said_to_hold_every_finding(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, _batches(5, 200), keep=0)
    doc = build_document(store, run_id, max_examples=10)
    message = _more_message(render_junit(doc))
    assert f"keeps {TOP:,} of the 1,000 as witnesses" in message, message
    assert message.startswith("990 more findings counted in the run store")


def test_a_store_keeping_every_finding_reads_as_before(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, _batches(2, 50), keep=None)
    doc = build_document(store, run_id, max_examples=10)
    assert _more_message(render_junit(doc)) == "90 more findings in the run store"
