"""mutation47: an unfinished run's verdict and a demonstration's partly tested pass, each
assertion a surviving mutant's: what a run that has not ended found so far (a share rule
with no attribute above it is nothing found yet, whatever its findings' count), the
answer's discrimination, and the demonstration's words."""

from __future__ import annotations

from assay.core.verdict import EXIT_INTERRUPTED, Verdict, demo_line, found_so_far, verdict_line


def _verdict(**kw: object) -> Verdict:
    base: dict[str, object] = dict(
        code=EXIT_INTERRUPTED, fail_on=0.0, bad=0, found_by_answer=[], rule=None,
        failing=None, untested=None, demo=False,
    )  # fmt: skip
    base.update(kw)
    return Verdict(**base)  # type: ignore[arg-type]


def test_a_share_rule_with_no_attribute_above_it_has_found_nothing_so_far() -> None:
    # 40 findings stored, but the run is judged by --fail-on 'share>5%' and no attribute is
    # above it yet: its findings fail nothing, so none is "found so far" as a failure (since
    # left47f the words say the answer and the findings, and that the rule judges the share)
    v = _verdict(bad=40, rule="share>5%", failing=[])
    said = found_so_far(v)
    assert said == (
        "its answer: no attribute's share above --fail-on 'share>5%'; its findings so far: "
        "40 discriminatory inputs (the rule judges the share, not them)"
    )
    assert "at or above" not in verdict_line(v, "interrupted")
    assert verdict_line(v, "interrupted").endswith(f"{said} (exit 130)")
    v = _verdict(bad=40, rule="share>5%", failing=["sex"])
    assert str(found_so_far(v)).startswith("its answer: above --fail-on 'share>5%' on sex; ")
    v = _verdict(bad=40, fail_on=0.3)
    assert found_so_far(v) == "its findings so far: 40 at or above --fail-on 0.3"


def test_an_answer_that_found_discrimination_is_said_so_far() -> None:
    v = _verdict(found_by_answer=["sex", "age"])
    assert found_so_far(v) == "its answer so far found discrimination on sex, age"
    assert found_so_far(_verdict()) is None


def test_a_demonstrations_partly_tested_pass_names_what_was_not_tested() -> None:
    partly = ("not everything was tested", "the answer was not computed")
    line = demo_line(0, partly)
    assert line.startswith(
        "the demonstration found the bugs it demonstrates (exit 0), though not everything "
        "was tested (said above)"
    ), line
    assert "the answer was not computed" not in line  # (the why is said above, not here)
    assert demo_line(0) == "the demonstration found the bugs it demonstrates (exit 0)"
    assert demo_line(1, partly).startswith("the demonstration found none"), demo_line(1, partly)
