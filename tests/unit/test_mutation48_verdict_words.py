"""A rule on the share in every verdict's words (mutation48): ``core.verdict``'s
``so_far_words``, ``rule_unjudged``, ``threshold_count`` and ``verdict_line``, each branch
read with one and with several findings, judged and not, ended and not.  left47f and
report47 tested them through runs that reach a few of these branches."""

from __future__ import annotations

from typing import Any

from assay.core.outcome import rule_option
from assay.core.verdict import (
    Verdict,
    rule_unjudged,
    so_far_words,
    threshold_count,
    verdict_line,
)

RULE = "share>0.1"
QUOTED = "--fail-on 'share>0.1'"


def _verdict(**given: Any) -> Verdict:
    said: dict[str, Any] = {
        "code": 1,
        "fail_on": 0.0,
        "bad": 0,
        "found_by_answer": [],
        "rule": RULE,
        "failing": None,
        "untested": None,
        "demo": False,
    }
    said.update(given)
    return Verdict(**said)


def test_the_rule_is_written_quoted_to_paste() -> None:
    assert rule_option(RULE) == QUOTED
    assert rule_option("0.2") == "--fail-on 0.2"


def test_so_far_under_a_rule_says_the_rule_never_a_threshold() -> None:
    unjudged = so_far_words(bad=1, fail_on=0.0, rule=RULE, failing=None, found_by_answer=[])
    assert unjudged == (
        f"{QUOTED} not judged: it judges the answer's share, which the run has not computed "
        "yet (resuming the run computes it); its findings so far: 1 discriminatory input "
        "(the rule judges the share, not them)"
    )
    several = so_far_words(bad=40, fail_on=0.0, rule=RULE, failing=["sex"], found_by_answer=[])
    assert several == (
        f"its answer: above {QUOTED} on sex; its findings so far: 40 discriminatory inputs "
        "(the rule judges the share, not them)"
    )
    none = so_far_words(bad=0, fail_on=0.0, rule=RULE, failing=[], found_by_answer=[])
    assert none == f"its answer: no attribute's share above {QUOTED}; no finding so far"


def test_so_far_without_a_rule() -> None:
    assert so_far_words(bad=1, fail_on=0.5, rule=None, failing=None, found_by_answer=[]) == (
        "its findings so far: 1 at or above --fail-on 0.5"
    )
    by_answer = so_far_words(bad=0, fail_on=0.0, rule=None, failing=None, found_by_answer=["age"])
    assert by_answer == "its answer so far found discrimination on age"
    assert so_far_words(bad=0, fail_on=0.0, rule=None, failing=None, found_by_answer=[]) is None


def test_rule_unjudged_with_one_several_and_no_finding() -> None:
    base = f"{QUOTED} not judged: it judges the answer's share"
    assert rule_unjudged(RULE, 0) == (
        f"{base}, which the run has not computed (resuming the run computes it)"
    )
    assert rule_unjudged(RULE, 0, left_out=True) == f"{base}; the run left its answer out"
    assert rule_unjudged(RULE, 1).endswith(
        "; its 1 discriminatory input fails the run in its place"
    )
    assert rule_unjudged(RULE, 3).endswith(
        "; its 3 discriminatory inputs fail the run in its place"
    )


def test_threshold_count_by_rule_and_status() -> None:
    plain = _verdict(rule=None, bad=4, fail_on=0.2)
    assert threshold_count(plain, "completed") == (
        4,
        "the findings at or above --fail-on 0.2: each fails the run",
    )
    judged = _verdict(bad=4, failing=["sex"])
    assert threshold_count(judged, "completed") == (
        None,
        f"none: {QUOTED} judges the answer's share, not the findings",
    )
    running = _verdict(bad=4)  # (interrupted: the rule may still judge)
    assert threshold_count(running, "interrupted")[0] is None
    left_out = _verdict(bad=4, partly=None)
    count, said = threshold_count(left_out, "completed")
    assert count == 4
    assert said == (
        f"the findings at or above --fail-on 0: {QUOTED} not judged: it judges the answer's "
        "share; the run left its answer out; they fail the run in its place"
    )
    untested = _verdict(
        bad=4, code=2, untested=("NOT EVERYTHING WAS TESTED", "x"), partly=("a", "b")
    )
    count, said = threshold_count(untested, "completed")
    assert count == 4 and "not computed" in said and "in its place" not in said


def test_verdict_line_of_an_unjudged_rule() -> None:
    one = verdict_line(_verdict(bad=1, partly=None), "completed")
    assert one == (
        f"the run's verdict: {QUOTED} not judged: it judges the answer's share; the run left "
        "its answer out; its 1 discriminatory input fails the run in its place (exit 1)"
    )
    cut = verdict_line(_verdict(bad=2, partly=("a", "b")), "completed")
    assert "which the run has not computed" in cut and "its 2 discriminatory inputs fail" in cut
    untested = verdict_line(
        _verdict(code=2, untested=("not everything was tested", "its answer was cut")),
        "completed",
    )
    assert untested == (
        "the run's verdict: NOT EVERYTHING WAS TESTED: its answer was cut; "
        f"{QUOTED} not judged: it judges the answer's share, which the run has not computed "
        "(resuming the run computes it) (exit 2)"
    )
    above = verdict_line(_verdict(bad=2, failing=["sex"]), "completed")
    assert above == f"the run's verdict: above {QUOTED}: sex (exit 1)"
    within = verdict_line(_verdict(code=0, bad=2, failing=[]), "completed")
    assert within == f"the run's verdict: tested, no attribute's share above {QUOTED} (exit 0)"
