"""A fairness verdict row (one protected attribute's answer) as one line of text, as the
command line prints it and the JUnit file states it."""

from __future__ import annotations

from typing import Any

from assay.core.callers_prose import judged_in_callers_terms
from assay.core.display import counted_text, data_rows, percent
from assay.core.outcome import (
    STORE_FAILED,
    answer_fails,
    answer_found,
    answer_rule,
    document_status,
    is_demonstration,
    not_a_pass,
    passes,
    rule_option,
    stored_fail_on,
    unconfirmed_note,
    unended_status,
)
from assay.core.store import ENDED
from assay.core.verdict import rule_unjudged, so_far_words

__all__ = [
    "favoured_text",
    "found_so_far_text",
    "run_verdict_text",
    "share_text",
    "suite_fails_nothing",
]


def run_verdict_text(doc: dict[str, Any]) -> str | None:
    """The run's verdict in a few words, as its exit code and JUnit file give it: ``passes
    --fail-on 0.9: nothing at or above it (611 findings below it)``, ``fails: 73 findings at
    or above --fail-on 0.2``, ``not a pass: nothing was tested``; None for a demonstration
    (judged on whether it found the bugs it plants).  A run made from Python's in the API's
    keyword (``fail_on 0.2``)."""
    said = _verdict_text(doc)
    run = _dict(doc.get("run"))
    looked = _dict(run.get("summary")).get("looked_for")
    if said is not None and said.startswith("passes") and isinstance(looked, str):
        # a backdoor scan's pass is of what it looked for (a blended trigger read as clean)
        said += f" (looked for {looked} only)"
        no = _dict(run.get("summary")).get("not_looked_for")
        if isinstance(no, str):  # (attack45b: an all-to-all trojan passed unsaid)
            said += f" (not looked for: {no})"
    return None if said is None else judged_in_callers_terms(said, run.get("command"))


def _verdict_text(doc: dict[str, Any]) -> str | None:
    run, findings = _dict(doc.get("run")), _dict(doc.get("findings"))
    summary, config = _dict(run.get("summary")), _dict(run.get("config"))
    if is_demonstration(str(run.get("command") or ""), config):
        return None
    status = document_status(run)  # (an unfinished run's search ended: judged as ended)
    counted, above = findings.get("total"), findings.get("at_or_above_fail_on")
    total = counted if isinstance(counted, int) else 0
    bad = above if isinstance(above, int) else total
    fail_on = stored_fail_on(config)
    rule = answer_rule(config)
    failing = answer_fails(summary) if rule is not None else None
    if passes(status, summary, config, bad):
        if failing is not None:
            return f"passes {rule_option(rule)}: no attribute's share is above it"
        if fail_on <= 0.0:
            return "passes: nothing found"
        below = f" ({total - bad:,} findings below it)" if total > bad else ""
        return f"passes --fail-on {fail_on:g}: nothing at or above it{below}"
    if status == "failed":
        return "not a pass: the run failed (see the error)"
    if status not in ENDED:
        said = {"stalled": "stalled: its process is gone", STORE_FAILED: "its store failed"}.get(
            unended_status(run), status
        )
        so_far = found_so_far_text(doc)
        return f"none yet: the run has not ended ({said.replace('_', ' ')})" + (
            f"; {so_far}" if so_far else ""
        )
    untested = not_a_pass(summary)
    if untested and untested[0] == "nothing was tested":
        return f"not a pass: {untested[0]}"
    if untested and rule is not None and failing is None and not bad:  # (left47f)
        return f"not a pass: {untested[0]}; {rule_unjudged(rule, 0)}"
    if failing:
        return f"fails {rule_option(rule)}: {', '.join(failing)}"
    if untested and (note := unconfirmed_note(summary)):  # (they fail nothing: exit 2)
        return f"not a pass: {untested[0]}; its {total:,} findings are {note}"
    if bad and rule is not None and failing is None:  # (as ``core.verdict``: left47f)
        return f"fails: {rule_unjudged(rule, bad, left_out=not untested)}"
    if bad and failing is None:
        return f"fails: {bad:,} finding{'s' if bad != 1 else ''} at or above --fail-on {fail_on:g}"
    # (judged by a rule on the share, the answer's level is no failure: ``failing`` said it)
    if found := (answer_found(summary) if fail_on <= 0.0 and failing is None else []):
        return f"fails: the answer found discrimination on {', '.join(found)}"
    return f"not a pass: {untested[0]}" if untested else None


def found_so_far_text(doc: dict[str, Any]) -> str | None:
    """What a run that has not ended found so far, as ``core.verdict.found_so_far`` says it
    (report46b): its findings, and a rule on the share judged or not (left47f)."""
    run, findings = _dict(doc.get("run")), _dict(doc.get("findings"))
    summary, config = _dict(run.get("summary")), _dict(run.get("config"))
    counted, above = findings.get("total"), findings.get("at_or_above_fail_on")
    bad = above if isinstance(above, int) else counted if isinstance(counted, int) else 0
    fail_on, rule = stored_fail_on(config), answer_rule(config)
    return so_far_words(
        bad=bad,
        fail_on=fail_on,
        rule=rule,
        failing=answer_fails(summary) if rule is not None else None,
        found_by_answer=answer_found(summary) if fail_on <= 0.0 and not bad else [],
    )


def suite_fails_nothing(doc: dict[str, Any]) -> str | None:
    """Why a run's failing findings fail nothing, said beside each failing test of a text
    suite (the JUnit case, which then passes, and the HTML's table of tests alike: report46b):
    none confirmed (``unconfirmed_note``, in the caller's terms), or each below ``--fail-on``;
    ``None`` when they fail the run."""
    run = _dict(doc.get("run"))
    findings = _dict(doc.get("findings"))
    note = unconfirmed_note(_dict(run.get("summary")))
    if note:
        return judged_in_callers_terms(note, run.get("command"))
    fail_on = findings.get("fail_on")
    fail_on = float(fail_on) if isinstance(fail_on, int | float) else 0.0
    if fail_on > 0 and findings.get("at_or_above_fail_on") == 0:
        return f"each finding below --fail-on {fail_on:g}"
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def share_text(v: dict[str, Any]) -> str:
    """``sex: share 2.34 % of the input space (95 % CI 2.1 % to 2.6 %, 20,000 sampled), ...
    of the data rows``; exact and bounded figures say so."""
    share = v.get("share_uniform")
    figure = "not estimated" if share is None else percent(share)  # (0 reads 0.00 %)
    text = f"{v['attribute']}: share {figure} of the input space"
    if v.get("may_be_missing"):  # (--missing value: "missing" is drawn as one more value)
        text += f" (with {', '.join(v['may_be_missing'])} missing as one more value)"
    if v["basis"] == "bounded":
        text += bounded_text(v)
    elif v["basis"] != "exact":
        text += (
            f" (95 % CI {percent(v.get('uniform_low'))} to {percent(v.get('uniform_high'))}, "
            f"{int(v.get('uniform_sampled') or 0):,} sampled)"
        )
    data_exact = v["basis"] != "sampled" and v.get("exact_data_low") is not None
    if v["basis"] == "exact" and v.get("share_data") is not None and not data_exact:
        text += " (exact)"  # the data's share was sampled: the suffix must not claim it
    if v.get("share_data") is not None:
        text += f", {percent(v['share_data'])} of {data_rows(v)}"
        if not data_exact and v.get("data_counted"):
            text += counted_text(v)
        elif not data_exact and v.get("data_low") is not None:
            # how many rows were drawn, as the input space's sample says: the figure is a
            # sample's, not a count over every row of the data
            drawn = f", {int(v['data_sampled']):,} sampled" if v.get("data_sampled") else ""
            text += (
                f" (95 % CI {percent(v.get('data_low'))} to {percent(v.get('data_high'))}{drawn})"
            )
        elif v["basis"] == "bounded" and data_exact:
            low, high = v.get("exact_data_low"), v.get("exact_data_high")
            if low == high:
                text += " (exact)"
            else:
                text += f" (exact bounds {percent(low)} to {percent(high)})"
        elif v["basis"] == "exact":
            text += " (exact)"
        return text
    return text + (" (exact)" if v["basis"] == "exact" else "")


def bounded_text(v: dict[str, Any]) -> str:
    """A bounded share's parenthesis: one answer, never two that disagree (left53c).  The
    exact bounds are proven; an interval (the analysis' own estimate's, else the answer
    sample's) is shown inside them: whole when it lies within, clipped to them when it
    crosses one, and, when the bounds lie inside it (an analysis stopped early under load
    yet narrower than the sample), the bounds are the answer and the wider interval is
    named as the sample's alone, not as the share's range."""
    low, high = v.get("exact_uniform_low"), v.get("exact_uniform_high")
    if v.get("exact_estimate_low") is not None and v.get("exact_estimate_high") is not None:
        # the share is the analysis' own estimate (the trees on samples of the boxes it
        # left undecided): its interval, not the answer sample's, goes with it
        ci = (v["exact_estimate_low"], v["exact_estimate_high"])
        of = "the trees on samples of what the analysis left undecided"
    elif v.get("uniform_low") is not None and v.get("uniform_high") is not None:
        ci = (v["uniform_low"], v["uniform_high"])  # (bounds of 0-100 % would hide it)
        of = f"{int(v.get('uniform_sampled') or 0):,} sampled"
    else:
        ci, of = None, ""
    if low is None or high is None:
        return "" if ci is None else f" (95 % CI {percent(ci[0])} to {percent(ci[1])}, {of})"
    if low <= 0.0 and high >= 1.0:  # bounds that decide nothing are no figure
        said = "" if ci is None else f"95 % CI {percent(ci[0])} to {percent(ci[1])}, {of}; "
        return f" ({said}the exact analysis decided nothing in its time)"
    bounds = f"exact bounds {percent(low)} to {percent(high)}"
    if ci is None or ci[1] < low or ci[0] > high:  # (none, or apart: both said as they are)
        said = "" if ci is None else f"95 % CI {percent(ci[0])} to {percent(ci[1])}, {of}; "
        return f" ({said}{bounds})"
    if ci[0] <= low and ci[1] >= high and (ci[0], ci[1]) != (low, high):
        return (
            f" ({bounds}, the answer: the exact analysis proves the share within them though "
            f"it stopped in its time; the wider 95 % CI {percent(ci[0])} to {percent(ci[1])} "
            f"is the sample's alone, {of})"
        )
    if ci[0] < low or ci[1] > high:  # crosses one bound: the share cannot lie past it
        clipped = f"{percent(max(ci[0], low))} to {percent(min(ci[1], high))}"
        return f" (95 % CI {clipped}, {of}, clipped to the {bounds})"
    return f" (95 % CI {percent(ci[0])} to {percent(ci[1])}, {of}; {bounds})"


def _named(value: object) -> str:
    """A value in a sentence (``the M variant``): quoted when spaces surround it or it is
    empty (``the 'M ' variant``: a fixed-width export's padding, invisible bare)."""
    shown = str(value)
    return shown if shown and shown == shown.strip() else "'" + shown.replace("'", "\\'") + "'"


def favoured_text(
    rows: list[dict[str, Any]], favourable: str | None, of: str, where: str = "overall"
) -> str:
    """Who is favoured, from one attribute's direction rows of one sample: ``the Male variant
    gets '>50K' in 96.93 % of IDIs``.  A model answering probabilities is judged by the
    favourable class's probability where the class cannot tell (every variant gets the same
    class: a --threshold gap, not a flip) or tells otherwise; a tie is said, never hidden.
    ``where`` ends a sample that tells no value apart: ``overall``, or ``there`` inside a rule
    (whose line is not the attribute's)."""
    gets = f"gets {favourable!r}" if favourable else "is favoured"
    top = max(rows, key=lambda d: d["favoured_in"] or 0)
    share = top["favoured_in"] or 0
    tied = [_named(d["value"]) for d in rows if d is not top and (d["favoured_in"] or 0) == share]
    if share == 0:  # (more than two classes: the outcome changes between the others)
        the = of if of.startswith("the ") else f"the {of}"
        as_class = f"no variant {gets} in any of {the}"
    elif len(tied) == len(rows) - 1:
        as_class = f"every variant {gets} in {percent(share)} of {of}"
    else:  # (a tie named by its first value alone would name that one the favoured)
        as_class = f"the {_named(top['value'])} variant {gets} in {percent(share)} of {of}"
        as_class += f" (as does the {', '.join(tied)} variant)" if tied else ""
        low = min(rows, key=lambda d: d["favoured_in"] or 0)
        if len(rows) > 2:  # (of three values and more, the
            # least favoured one is not the others' complement: said, as it is the one hurt)
            as_class += (
                f", the {_named(low['value'])} variant in {percent(low['favoured_in'] or 0)}"
            )
        as_class += _not_told_apart(top, [d for d in rows if d is not top], where)
    if not rows or any(d.get("highest_p_in") is None for d in rows):
        return as_class
    by_p = max(rows, key=lambda d: (d["highest_p_in"], d.get("p_favourable") or 0))
    what = f"P({favourable!r})" if favourable else "the favourable class's probability"
    if tied:  # the class cannot tell who is favoured: the probability leads
        others = [d for d in rows if d is not by_p]
        low = min(others, key=lambda d: d.get("p_favourable") or 0)
        if all(
            (d["highest_p_in"], d.get("p_favourable") or 0)
            == (by_p["highest_p_in"], by_p.get("p_favourable") or 0)
            for d in others
        ):  # (a tie by probability too: no variant is named as favoured)
            return (
                f"{as_class}; by probability no variant leads either ({what} on average "
                f"{by_p.get('p_favourable') or 0:.3f} for each)"
            )
        return (
            f"the {_named(by_p['value'])} variant gets the highest {what} in "
            f"{percent(by_p['highest_p_in'])} of {of} (on average "
            f"{by_p.get('p_favourable') or 0:.3f}, against {low.get('p_favourable') or 0:.3f}"
            f" for {_named(low['value'])}); as a class, {as_class.replace(f' of {of}', ' of them')}"
        )
    if by_p is not top:  # the class decides; the probability, telling otherwise, is said
        return (
            f"{as_class} (by probability, the {_named(by_p['value'])} variant: the highest "
            f"{what} in {percent(by_p['highest_p_in'])} of them)"
        )
    return as_class


def _not_told_apart(
    top: dict[str, Any], others: list[dict[str, Any]], where: str = "overall"
) -> str:
    """What to add when a sample's IDIs do not tell the value named from another: their
    shares' 95 % intervals overlap (3 of 3 IDIs: 29.24-100 % beside 0-70.76 %; a model
    favouring each value in its own region: 51 % beside 49 %); nothing otherwise, or for
    figures counted over every IDI (no interval)."""
    low = top.get("favoured_low")
    highs = [d for d in others if d.get("favoured_high") is not None]
    if low is None or not highs:
        return ""
    near = max(highs, key=lambda d: d["favoured_high"])
    if near["favoured_high"] < low:
        return ""
    return (  # (the named value's share said again: not read as the last one named's)
        f"; the {_named(top['value'])} variant's {percent(top.get('favoured_in') or 0)} is not "
        f"told apart from the {_named(near['value'])} variant's "
        f"{percent(near['favoured_in'] or 0)} (95 % intervals {percent(low)} to "
        f"{percent(top.get('favoured_high'))} and {percent(near.get('favoured_low'))} to "
        f"{percent(near['favoured_high'])} overlap): the sample shows no value favoured {where}"
    )


def outcomes_text(rows: list[dict[str, Any]]) -> str | None:
    """Each variant's share of every outcome, from one attribute's direction rows of one
    sample, for a model of three classes and more (``gets``): ``F: 'approve' 50.00 %,
    'review' 0.00 %, 'decline' 50.00 %; M: ...``.  The favourable class's share alone left
    unsaid between which other outcomes the rest changed."""
    said = [
        f"{_named(d['value'])}: "
        + ", ".join(f"{name!r} {percent(share)}" for name, share in d["gets"].items())
        for d in rows
        if isinstance(d.get("gets"), dict)
    ]
    return "; ".join(said) if said else None
