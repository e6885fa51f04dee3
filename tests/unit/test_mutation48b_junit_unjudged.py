"""mutation48b: a JUnit case of a finding of a run judged by a rule on the share says, while
its answer is not computed, that the rule has not judged the run yet.

Survivor of mutation48 this kills: JU6 (the words dropped: a passing case said "the run is
judged by --fail-on 'share>0.1'" of a run the rule had not judged, read as its pass)."""

from __future__ import annotations

from typing import Any

from assay.report.junit import _finding_case

FINDING = {"kind": "individual_discrimination", "severity": 0.5, "inputs": [[1, 0, 3]]}
UNJUDGED = "not judged yet: its answer is not computed"


def _said(summary: dict[str, Any]) -> str:
    case = _finding_case("assay", FINDING, 0, run={"summary": summary}, rule="share>0.1")
    out = case.find("system-out")
    assert out is not None and case.find("failure") is None
    return str(out.text)


def test_a_finding_of_a_run_whose_rule_is_not_judged_yet_says_so() -> None:
    said = _said({})
    assert "judged by --fail-on" in said and UNJUDGED in said, said


def test_a_finding_of_a_run_its_rule_judged_says_only_the_rule() -> None:
    said = _said({"verdict": [{"attribute": "sex", "fails": False}]})
    assert "judged by --fail-on" in said and UNJUDGED not in said, said
