"""mutation47b: the report's words for a run that has not ended (``report.verdict_text.
found_so_far_text``, which the HTML's verdict says) hand ``core.verdict.so_far_words`` the
run's rule on the share and its findings: mutation47's VT3 and VT4 re-applied to today's
code (left47f moved the words into ``core.verdict``).  VT3b (the rule not handed on) said a
share rule's run "its findings so far: 40 at or above --fail-on 0", a threshold the user did
not give; VT4b (the findings not handed on) said "no finding so far" beside 40."""

from __future__ import annotations

from typing import Any

from assay.report.verdict_text import found_so_far_text


def _doc(config: dict[str, Any], found: int) -> dict[str, Any]:
    return {
        "run": {"status": "interrupted", "config": config, "summary": {}},
        "findings": {"total": found, "at_or_above_fail_on": found},
    }


def test_a_share_rules_run_says_the_rule_unjudged_and_its_findings_so_far() -> None:
    said = found_so_far_text(_doc({"answer": {"fail_on": "share>0.01"}}, 40))
    assert said == (
        "--fail-on 'share>0.01' not judged: it judges the answer's share, which the run has "
        "not computed yet (resuming the run computes it); its findings so far: 40 "
        "discriminatory inputs (the rule judges the share, not them)"
    )


def test_a_run_without_a_rule_says_its_findings_at_its_threshold() -> None:
    assert found_so_far_text(_doc({}, 40)) == "its findings so far: 40 at or above --fail-on 0"
    assert found_so_far_text(_doc({}, 0)) is None
