"""``assay report RUN`` of a fairness run judged by a rule on the share (``--fail-on
'share>0.2'``) whose shares were within it said "the run's verdict: 1,317 findings at or
above --fail-on 0 (exit 0)": a failing count beside a passing exit code, where the run's own
command had said "no attribute's share is above --fail-on share>0.2: the run passes"
(hostile35)."""

from __future__ import annotations

from assay.cli.verdict import Verdict, verdict_line


def _verdict(code: int, failing: list[str] | None, rule: str | None = "share>0.2") -> Verdict:
    return Verdict(
        code=code, fail_on=0.0, bad=1317, found_by_answer=[], rule=rule, failing=failing,
        untested=None, demo=False,
    )  # fmt: skip


def test_a_run_within_its_share_rule_reads_as_the_pass_it_is() -> None:
    line = verdict_line(_verdict(0, []), "completed")
    assert (
        line == "the run's verdict: tested, no attribute's share above "
        "--fail-on 'share>0.2' (exit 0)"
    )


def test_a_run_above_its_share_rule_names_the_attributes() -> None:
    line = verdict_line(_verdict(1, ["sex"]), "completed")
    assert line == "the run's verdict: above --fail-on 'share>0.2': sex (exit 1)"


def test_an_interrupted_run_within_its_rule_is_said_unfinished() -> None:
    line = verdict_line(_verdict(130, []), "interrupted")
    # (left47f: the answer's level and the findings so far beside, as the rule judged them)
    assert line.startswith("the run's verdict: the run is interrupted: it has not ended; ")
    assert "its answer: no attribute's share above --fail-on 'share>0.2'" in line, line
    assert line.endswith(" (exit 130)"), line


def test_a_rule_without_a_verdict_judges_by_the_findings() -> None:
    # (the answer left out: no share to judge; the findings decide, as the exit code)
    line = verdict_line(_verdict(1, None), "completed")
    # (left47f: said as the rule's, not "at or above --fail-on 0", a threshold not given)
    assert line == (
        "the run's verdict: --fail-on 'share>0.2' not judged: it judges the answer's share; "
        "the run left its answer out; its 1,317 discriminatory inputs fail the run in its "
        "place (exit 1)"
    ), line
