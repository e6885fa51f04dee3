"""A stored run's verdict as an exit code: what its command exits with when it ends, what
``assay resume`` exits with, and what ``assay report RUN`` exits with (so that a CI step
gating on any of them agrees with the JUnit file they write).  A demonstration (``assay
demo``, ``--demo``) is judged on whether it showed the bugs it plants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assay.core.callers_prose import judged_in_callers_terms, made_from_python
from assay.core.outcome import (
    UNCONFIRMED,
    answer_fails,
    answer_found,
    answer_rule,
    is_demonstration,
    not_a_pass,
    rule_option,
    stored_fail_on,
)
from assay.core.store import ENDED, RunStore

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_MODEL",
    "EXIT_UNTESTED",
    "Verdict",
    "demo_exit",
    "demo_line",
    "exit_code",
    "found_so_far",
    "rule_unjudged",
    "run_verdict",
    "so_far_words",
    "threshold_count",
    "verdict_line",
]

EXIT_INTERRUPTED = 130
EXIT_MODEL = 3  # the model failed (a run left failed or without its served model)
EXIT_UNTESTED = 2  # nothing was tested (a budget or an input too small): a usage problem


def exit_code(n_at_or_above: int, status: str = "completed") -> int:
    if status == "interrupted":
        return EXIT_INTERRUPTED  # stopped by Ctrl-C: not a verdict; resumable
    if n_at_or_above:
        return 1
    if status in ("failed", "model_unavailable"):
        return EXIT_MODEL  # (a run that did not end, with nothing found, is never a pass)
    if status not in ENDED:
        return EXIT_INTERRUPTED
    return 0


def demo_exit(code: int) -> int:
    """A demonstration's exit code: finding the bugs it plants is what it shows (exit 0
    instead of 1), and finding none of them is its failure (exit 1 instead of 0); nothing
    tested, a failure or an interrupt keep their own codes (never a pass)."""
    return {1: 0, 0: 1}.get(code, code)


def demo_line(code: int, partly: tuple[str, str] | None = None) -> str:
    """What a demonstration's exit code says (``demo_exit``); ``partly``: (what, why) when
    not everything was tested and its findings judged it all the same (``Verdict.partly``):
    "the demonstration found the bugs it demonstrates (exit 0)" read beside the headline's
    NOT EVERYTHING WAS TESTED as two verdicts (docs46's Left; left46t)."""
    if code == 0 and partly is not None:
        return (
            f"the demonstration found the bugs it demonstrates (exit 0), though {partly[0]} "
            "(said above): a demonstration's exit code judges whether it showed its bugs, "
            "and what was tested showed them"
        )
    if code == 0:
        return "the demonstration found the bugs it demonstrates (exit 0)"
    if code == 1:
        return (  # (no promise that a larger budget finds them: the backdoor model scan's
            # demonstration on 8x8 digits misses its 3x3 trigger whatever the budget)
            "the demonstration found none of the bugs it demonstrates (exit 1: it did not "
            "show what it is for)"
        )
    return f"the demonstration ended with exit {code}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a run is judged: ``bad`` findings at or above ``fail_on``; ``found_by_answer``:
    attributes the fairness answer found discrimination on with no stored finding;
    ``rule``/``failing``: a rule on the share and the attributes above it; ``untested``:
    (what, why) when not everything was tested (``partly``: so, though the findings judge
    the run); ``demo``: a demonstration's run (its code
    is ``demo_exit``'s); ``code``: the exit code."""

    code: int
    fail_on: float
    bad: int
    found_by_answer: list[str]
    rule: str | None
    failing: list[str] | None
    untested: tuple[str, str] | None
    demo: bool
    # (what, why) not everything was tested, where the findings judged the run all the same
    partly: tuple[str, str] | None = None
    # what a backdoor scan looked for ("patch triggers up to 16x16 pixels"), said with a pass
    looked_for: str | None = None
    # and the attack families it did not ("a trigger that fires on one source class ...")
    not_looked_for: str | None = None


def run_verdict(store: RunStore, run_id: str, fail_on: float | None = None) -> Verdict:
    """The verdict of the run as it stands in ``store`` (``fail_on`` None: the run's own)."""
    record = store.get_run(run_id, lean=True)  # (its grammar's text is no part of a verdict)
    if fail_on is None:
        fail_on = stored_fail_on(record.config)
    bad = store.count_at_or_above(run_id, fail_on)
    summary: dict[str, Any] = record.summary
    # the answer found the bug where the search stored no finding: a failure all the same
    found_by_answer = answer_found(summary) if fail_on <= 0.0 and not bad else []
    # a rule on the share (--fail-on 'share>0.01'): the verdict decides, where there is one
    rule = answer_rule(record.config)
    failing = answer_fails(summary) if rule is not None else None
    failed = not_a_pass(summary) if record.status in ENDED else None
    # part was not tested, but what was fails the run: exit 1 says more (judged by a rule on
    # the share, its findings fail nothing: a run within it that did not test everything is
    # no pass, exit 2, never 0)
    fails = failing if failing is not None else (bad or found_by_answer)
    partly = None  # (not everything tested, the findings judging the run all the same)
    if failed and failed[0] != "nothing was tested" and fails and not summary.get(UNCONFIRMED):
        partly, failed = failed, None  # (none confirmed fail nothing: ``UNCONFIRMED``)
    if failed:
        code = EXIT_UNTESTED
    elif failing is not None:
        code = exit_code(len(failing), record.status)
    else:
        code = exit_code(bad + len(found_by_answer), record.status)
    demo = is_demonstration(record.command, record.config)
    return Verdict(
        code=demo_exit(code) if demo else code,
        fail_on=fail_on,
        bad=bad,
        found_by_answer=found_by_answer,
        rule=rule,
        failing=failing,
        untested=failed,
        demo=demo,
        partly=partly,
        looked_for=looked if isinstance(looked := summary.get("looked_for"), str) else None,
        not_looked_for=no if isinstance(no := summary.get("not_looked_for"), str) else None,
    )


def verdict_line(verdict: Verdict, status: str, command: Any = None) -> str:
    """The verdict in one line, with its exit code (``assay report``'s).  ``command``: the
    stored run's; a run made from Python (``assay.check_fairness(...)``) is said in the
    API's terms: ``fail_on``, and ``passed`` beside the exit code ``assay report`` gives."""
    said = _judged(verdict, status)
    if verdict.demo and verdict.code in (0, 1):
        return said
    if made_from_python(command):
        said = judged_in_callers_terms(said, command)
        passed = verdict.code == 0
        return f"the run's verdict: {said} (passed: {passed}; assay report exits {verdict.code})"
    return f"the run's verdict: {said} (exit {verdict.code})"


def found_so_far(verdict: Verdict) -> str | None:
    """What a run that has not ended found so far, said beside "it has not ended" (never as
    its verdict: "8,104 findings at or above --fail-on 0 (exit 130)" read as a failure of a
    run still to be resumed; report46b); None when it found nothing yet."""
    return so_far_words(
        bad=verdict.bad,
        fail_on=verdict.fail_on,
        rule=verdict.rule,
        failing=verdict.failing,
        found_by_answer=verdict.found_by_answer,
    )


def so_far_words(
    *,
    bad: int,
    fail_on: float,
    rule: str | None,
    failing: list[str] | None,
    found_by_answer: list[str],
) -> str | None:
    """``found_so_far``'s words from their parts (the HTML's verdict says them from the
    report document: ``report.verdict_text``).  A run judged by a rule on the share says the
    rule and whether it was judged: the rule judges the answer's share, never the findings,
    and a run stopped before its answer was computed never judged it (left47f: it said "its
    findings so far: 227 at or above --fail-on 0", a threshold the user did not give)."""
    if rule is not None:
        return _rule_so_far(rule, failing, bad)
    if bad:
        return f"its findings so far: {bad:,} at or above --fail-on {fail_on:g}"
    if found_by_answer:
        return "its answer so far found discrimination on " + ", ".join(found_by_answer)
    return None


def threshold_count(verdict: Verdict, status: str) -> tuple[int | None, str]:
    """``--json``'s ``at_or_above_threshold`` and ``threshold_counts``: the findings at or
    above ``fail_on`` where they judge the run, and what the figure counts, in the verdict
    line's words.  Under a rule on the share that judged the run, or may still (an
    interrupted run), no threshold judges the findings: None (it counted them at 0 beside
    the rule, unsaid: report47)."""
    at = f"--fail-on {verdict.fail_on:g}"
    if verdict.rule is None:
        return verdict.bad, f"the findings at or above {at}: each fails the run"
    if verdict.failing is None and status in ENDED:  # never judged: the findings in its place
        unjudged = rule_unjudged(verdict.rule, 0, left_out=verdict.partly is None)
        fail = "" if verdict.untested else "; they fail the run in its place"
        return verdict.bad, f"the findings at or above {at}: {unjudged}{fail}"
    return None, f"none: {rule_option(verdict.rule)} judges the answer's share, not the findings"


def rule_unjudged(rule: str, bad: int, *, left_out: bool = False) -> str:
    """A rule on the share of a run whose search ended without its answer (not computed in
    time, an interrupt while it was, or ``left_out``: ``answer=False``): not judged; its
    ``bad`` findings fail the run in its place (exit 1; none: not everything was tested)."""
    why = (
        "; the run left its answer out"
        if left_out
        else ", which the run has not computed (resuming the run computes it)"
    )
    said = f"{rule_option(rule)} not judged: it judges the answer's share{why}"
    if not bad:
        return said
    found = f"{bad:,} discriminatory input{'s' if bad != 1 else ''}"
    return f"{said}; its {found} {'fails' if bad == 1 else 'fail'} the run in its place"


def _rule_so_far(rule: str, failing: list[str] | None, bad: int) -> str:
    if failing is None:
        judged = (
            f"{rule_option(rule)} not judged: it judges the answer's share, which the run has "
            "not computed yet (resuming the run computes it)"
        )
    elif failing:
        judged = f"its answer: above {rule_option(rule)} on {', '.join(failing)}"
    else:
        judged = f"its answer: no attribute's share above {rule_option(rule)}"
    if not bad:
        return f"{judged}; no finding so far"
    found = f"{bad:,} discriminatory input{'s' if bad != 1 else ''}"
    return f"{judged}; its findings so far: {found} (the rule judges the share, not them)"


def _judged(verdict: Verdict, status: str) -> str:
    """``verdict_line``'s verdict (a demonstration's: its whole line)."""
    code = verdict.code
    if verdict.demo and code in (0, 1):
        return demo_line(code, verdict.partly)
    if code == EXIT_INTERRUPTED:  # (never judged as a run that ended: report46b)
        said = f"the run is {status.replace('_', ' ')}: it has not ended"
        return said + (f"; {so_far}" if (so_far := found_so_far(verdict)) else "")
    if verdict.untested:
        said = f"{verdict.untested[0].upper()}: {verdict.untested[1]}"
        if verdict.rule is not None and verdict.failing is None:
            said += f"; {rule_unjudged(verdict.rule, 0)}"
    elif verdict.failing:
        said = f"above {rule_option(verdict.rule)}: {', '.join(verdict.failing)}"
    elif verdict.bad and verdict.rule is not None and verdict.failing is None:
        # a rule never judged (its answer not computed, or left out): its findings judge in
        # its place, said so (it read "1 finding at or above --fail-on 0", a threshold the
        # user did not give: left47f)
        said = rule_unjudged(verdict.rule, verdict.bad, left_out=verdict.partly is None)
    elif verdict.bad and verdict.failing is None:  # (a rule on the share judges, not these)
        said = f"{verdict.bad:,} finding{'s' if verdict.bad != 1 else ''} at or above --fail-on "
        said += f"{verdict.fail_on:g}"
    elif verdict.found_by_answer:
        said = f"the answer found discrimination on {', '.join(verdict.found_by_answer)}"
    elif code == EXIT_MODEL:
        said = f"the run {status.replace('_', ' ')}"
    elif verdict.rule is not None:
        said = f"tested, no attribute's share above {rule_option(verdict.rule)}"
    else:
        said = f"tested, nothing found at or above --fail-on {verdict.fail_on:g}"
        if verdict.looked_for:
            said += f" (looked for {verdict.looked_for} only)"
        if verdict.not_looked_for:
            said += f" (not looked for: {verdict.not_looked_for})"
    return said
