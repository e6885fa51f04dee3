"""The command's kept exit code in words under a rule on the share, and the exact share
beside a sample's interval (mutation48): a demonstration's 1 keeps its own meaning, a rule
judged or never judged is said so; a bounded answer whose bounds meet is exact, a counted
estimate and other sections are left alone."""

from __future__ import annotations

from typing import Any

from assay.core.command_exit import KEY, exit_said
from assay.core.display import estimate_text
from assay.fairness.estimate import Estimate
from assay.fairness.exact_beside import ESTIMATES_TITLE, exact_figure, relate_estimates

RULE = {"answer": {"fail_on": "share>0.1"}, KEY: {"code": 1, "command": "fairness"}}


def test_exit_1_under_a_rule_says_the_rule_judged_or_not() -> None:
    assert exit_said(RULE, 1) == "assay fairness exited 1 (above --fail-on 'share>0.1')"
    assert exit_said(RULE, 1, judged=True) == exit_said(RULE, 1)
    assert exit_said(RULE, 1, judged=False) == (
        "assay fairness exited 1 (--fail-on 'share>0.1' not judged: its findings in its place)"
    )
    demo = exit_said(RULE, 1, demo=True)
    assert demo is not None and "the demonstration found none of the bugs" in demo, demo


SHARE = 0.0619167661758


def _row(**extra: Any) -> dict[str, Any]:
    row = {
        "attribute": "sex", "basis": "exact", "share_data": SHARE, "share_uniform": 0.002,
        "exact_data_low": SHARE, "exact_data_high": SHARE,
        "exact_uniform_low": 0.002, "exact_uniform_high": 0.002,
    }  # fmt: skip
    return {**row, **extra}


def test_bounds_that_meet_are_exact_and_an_unbounded_uniform_share_is_read() -> None:
    met = exact_figure(_row(basis="bounded"), "data")
    assert met == (SHARE, "counted over every data row by reading the trees")
    bare = _row(exact_uniform_low=None, exact_uniform_high=0.003)
    assert exact_figure(bare, "uniform") == (0.002, "read exactly from the trees")


def test_a_counted_estimate_and_other_sections_are_left_as_they_are() -> None:
    counted = Estimate.of("data", 2800, 45222, counted=True).to_json()
    sampled = Estimate.of("data", 493, 8929).to_json()
    other = {"title": "Direction", "text": "Who is favoured."}
    for estimates, related in (([counted], False), ([sampled], True)):
        headline = "; ".join(["5 found", *(estimate_text(e) for e in estimates)])
        sections = [{"title": ESTIMATES_TITLE, "text": "Sampled."}, dict(other)]
        summary = {"headline": headline, "estimates": estimates, "verdict": [_row()]}
        summary["sections"] = sections
        relate_estimates(summary)
        assert (summary["headline"] != headline) == related, summary["headline"]
        assert sections[1] == other
