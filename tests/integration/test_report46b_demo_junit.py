"""A demonstration's JUnit file agrees with its exit code and last line (report46b).

``assay demo --seconds 8`` found its bugs in what it tested, the answer not computed in
time: it exits 0 and its last line says "the demonstration found the bugs it demonstrates
(exit 0), though not everything was tested" (the README's rule).  Its JUnit file passed the
``demonstration`` case beside an errored "not everything tested" case: CI read a red file
beside exit 0.  Now that case passes, saying why; a demonstration that found nothing keeps
its error (exit 2: nothing tested), as a failed or interrupted one does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from assay.report.junit_demo import as_demonstration


def _case(name: str, kind: str | None = None, etype: str = "") -> ET.Element:
    case = ET.Element("testcase", name=name)
    if kind == "failure":
        ET.SubElement(case, "failure", message="an IDI").text = "age=30"
    elif kind == "error":
        ET.SubElement(case, "error", message=f"not everything was tested: {name}", type=etype)
    return case


def test_found_though_not_everything_tested_passes_saying_why() -> None:
    cases = as_demonstration(
        [_case("idi", "failure"), _case("not everything tested", "error", "incomplete")],
        "assay.fairness",
    )
    assert [c.get("name") for c in cases] == ["demonstration", "idi", "not everything tested"]
    assert not [c for c in cases if c.find("error") is not None or c.find("failure") is not None]
    said = cases[2].findtext("system-out") or ""
    assert said.startswith("not everything was tested") and "passes all the same" in said
    assert "though not everything was tested" in (cases[0].findtext("system-out") or "")


def test_other_errors_stay_errors() -> None:
    for etype in ("run_failed", "unfinished"):
        cases = as_demonstration(
            [_case("idi", "failure"), _case("run", "error", etype)], "assay.fairness"
        )
        assert cases[2].find("error") is not None, etype
    nothing = as_demonstration([_case("nothing tested", "error", "untested")], "assay.fairness")
    assert [c.get("name") for c in nothing] == ["nothing tested"]
    assert nothing[0].find("error") is not None
