"""A fairness run's answer as the command line says it: one line per protected attribute
(share, level, who is favoured, where), after a run (``assay fairness``), when a run is
resumed to its end (``assay resume``) and when a stored run is shown (``assay show``)."""

from __future__ import annotations

from typing import Any

from assay.cli.console import Output
from assay.core.display import listed, percent
from assay.core.outcome import rule_option
from assay.report.region_text import covered, covered_text
from assay.report.verdict_text import favoured_text, outcomes_text, share_text

__all__ = ["say_answer"]


def _data_differs(
    summary: dict[str, Any], attribute: str, shown: list[dict[str, Any]], favourable: str | None
) -> str:
    """The data rows' favoured value when it is not the input space's: the people the model
    meets may be favoured the other way round, which the line would otherwise not say."""
    rows = [
        d
        for d in summary.get("direction") or []
        if d["attribute"] == attribute and d["distribution"] == "data" and d["idis"]
    ]
    if not rows:
        return ""

    def top(of: list[dict[str, Any]]) -> Any:
        return max(of, key=lambda d: (d["favoured_in"] or 0, d.get("p_favourable") or 0))["value"]

    if top(rows) == top(shown) and "not told apart" not in favoured_text(shown, favourable, ""):
        return ""  # (said only when the data rows tell otherwise, or the line above tells none)
    n = int(rows[0]["idis"])  # (a handful of IDIs says less than thousands: the count goes with it)
    their = f"their {n:,} IDI{'' if n == 1 else 's'}"
    if rows[0].get("exact"):  # every data row counted, not a sample of them
        their += " (every row counted)"
    return f"; over the data rows, {favoured_text(rows, favourable, their)}"


def _data_above(v: dict[str, Any], rule_text: str) -> str:
    """A pass on the input space (``share``, uniform: unrealistic inputs too) while the share
    over the data rows, the people the model will meet, is above the same threshold: said, so
    that a gate on the wrong figure is not read as a pass for them."""
    from assay.fairness.verdict import parse_fail_on  # (the command line loads it lazily)

    rule = parse_fail_on(rule_text, stored=True)
    on_data = v.get("share_data")
    if v.get("level") != "pass" or isinstance(rule, float) or rule.measure != "share":
        return ""
    if on_data is None or not rule.fails(float(on_data)):
        return ""
    other = f"share_data{rule.op}{rule.value:g}"
    return (
        f"; NOTE: {percent(on_data)} of the data rows is above it (the rule judges the input "
        f"space; {rule_option(other)} judges the data rows)"
    )


def say_answer(out: Output, summary: dict[str, Any], *, exact: bool | None = None) -> None:
    """One line per protected attribute: share, level, favoured value, top region; with
    ``--exact``, why the exact analysis was not available where it was not."""
    favourable = (summary.get("favourable") or {}).get("class")
    if exact:
        for e in summary.get("exact") or []:
            if e.get("status") == "unavailable":
                out.say(
                    f"{e['attribute']}: no exact analysis ({e.get('reason')}); "
                    "the figures below are sampled"
                )
    shown = False
    for v in summary.get("verdict") or []:
        text = share_text(v)
        text += f"; {v['level']}"  # "certified zero" where a certificate was given
        if v.get("level") in ("pass", "fail") and summary.get("fail_on"):
            text += f" ({rule_option(summary['fail_on'])})"  # the rule it was judged by
            text += _data_above(v, str(summary["fail_on"]))
        if v.get("certificate") and "as its bins are given" in str(v["certificate"]):
            text += " at each bin's number only (not within a bin)"
        if v.get("undecided"):
            text += (
                " (judged on the estimate: the interval holds values on both sides of the "
                "--fail-on threshold, so a larger sample could turn it)"
            )
        fav: list[dict[str, Any]] = []
        for where, of in (
            ("exact", "IDIs"),  # every IDI of a domain enumerated input by input
            ("exact space", "the discriminatory input space (exact: every box counted)"),
            ("uniform", "IDIs"),
            ("exact boxes", "the exact boxes' witnesses"),
            ("data", "the data rows' IDIs"),  # (the input space's sample met none)
        ):
            fav = [
                d
                for d in summary.get("direction") or []
                if d["attribute"] == v["attribute"] and d["distribution"] == where
            ]
            if fav and (fav[0]["idis"] or where == "exact space"):
                if where == "exact":
                    n = int(fav[0]["idis"])
                    of = f"the domain's {n:,} IDI{'' if n == 1 else 's'} (exact: every one counted)"
                elif where == "uniform":
                    # of the sample's IDIs, with their number: "100.00 % of IDIs" said of 5
                    # read as every IDI (and beside an exact share, as counted over them)
                    n = int(fav[0]["idis"])
                    of = f"{n:,} sampled IDI{'' if n == 1 else 's'}"
                    why = _direction_sampled(summary, v["attribute"])
                    if why and v.get("basis") != "sampled":  # (and why not over the boxes)
                        of += f" (not counted over the exact boxes: {why})"
                elif where == "data":  # (their number goes with them, as above)
                    n = int(fav[0]["idis"])
                    of = f"the data rows' {n:,} IDI{'' if n == 1 else 's'}"
                text += f"; {favoured_text(fav, favourable, of)}"
                if where != "data":
                    text += _data_differs(summary, v["attribute"], fav, favourable)
                break
        text += _where(summary, v)
        out.say(text)
        if fav and (each := outcomes_text(fav)):  # (three outcomes and more: every one)
            out.say(f"  each outcome, by {v['attribute']} (of what the line above counts): {each}")
        example = _example(summary, v["attribute"])
        if example:
            out.say(example)
            shown = True
    if summary.get("verdict") and not shown:  # no region's witness: the run's first IDI
        first = first_idi(summary)
        if first:
            out.say(first)
    from assay.fairness.verdict import BARE_NAME, BY_POSITION, BY_THE_OTHER  # (loaded lazily)

    how = str((summary.get("favourable") or {}).get("how") or "")
    if summary.get("verdict") and how.startswith((BY_POSITION, BARE_NAME, BY_THE_OTHER)):
        # the lines name who gets the favourable class: which one that is was a guess
        out.say(f"note: favourable outcome {how}")
    for v in summary.get("verdict") or []:  # (the model never moved with the attribute)
        for said in ("untested", "unmoved"):  # (values never tested; never moved)
            if isinstance(v, dict) and isinstance(v.get(said), str):
                out.say(f"note: {v[said]}")


def answer_notes(summary: dict[str, Any]) -> set[str]:
    """The notes ``say_answer`` prints under the answer's lines (an attribute the model never
    moved with), which the run's notes hold too: a caller printing both says each once."""
    return {
        str(v["unmoved"])
        for v in summary.get("verdict") or []
        if isinstance(v, dict) and isinstance(v.get("unmoved"), str)
    }


def _direction_sampled(summary: dict[str, Any], attribute: str) -> str | None:
    """Why the exact analysis of ``attribute`` left who is favoured to the sample."""
    for e in summary.get("exact") or []:
        if e.get("attribute") == attribute and e.get("direction_sampled"):
            return str(e["direction_sampled"])
    return None


def _where(summary: dict[str, Any], v: dict[str, Any]) -> str:
    """Where the attribute's discrimination is: the first confirmed rule (exact, learned from
    every box of the exact analysis, or sampled, and said which), or the exact analysis'
    largest box when it holds more of the IDIs (or no rule was confirmed)."""
    regions = [
        r
        for r in summary.get("regions") or []
        if r["attribute"] == v["attribute"] and r.get("confirmed")
    ]
    boxes = [
        (e, e["boxes"][0])
        for e in summary.get("exact") or []
        if e.get("attribute") == v["attribute"] and e.get("boxes")
    ]
    rule_text = rule_holds = None
    if regions:
        top_r = regions[0]
        rule_text = f"; most concentrated in: {top_r['rule']}"
        if top_r.get("figures") == "exact":
            # learned from every discriminatory box: its figures are exact, not estimated
            rule_holds = covered(top_r)
            rule_text += (
                f" (exact: {percent(top_r['share_inside'])} discriminatory inside; "
                f"{percent(top_r['weight_space'])} of the input space; "
                f"{covered_text(top_r) or percent(None) + ' of the IDIs'}"
                f"{_cut_short(top_r, summary)})"
            )
            rule_text += _rules_favour(summary, regions)
        elif top_r.get("share_inside") is not None and top_r.get("weight_space") is not None:
            # the share inside is measured on the held-out inputs the rule holds (a rule
            # may hold a dozen) and on inputs drawn inside it: its interval and their
            # count go with it
            held = int(top_r.get("held_out_rows_inside") or 0)
            drawn = int(top_r.get("drawn_inside") or 0)
            what = "data rows" if top_r.get("sample") == "data" else "inputs"
            on = f"{held:,} held-out {what}"
            if drawn:
                on += f" and {drawn:,} {what} drawn inside it"
            interval = (
                f", 95 % CI {percent(top_r.get('share_inside_low'))} to "
                f"{percent(top_r.get('share_inside_high'))} on {on}"
            )
            if top_r.get("rows_counted"):  # (every data row inside it: no interval)
                interval = f" (every one of its {int(top_r['rows_counted']):,} data rows counted)"
            # what share of the IDIs it covers: the figure the reports show (``recall``), so
            # that "most concentrated in" is not read as "most are in"
            rule_holds = covered(top_r)
            holds = covered_text(top_r)
            # (a rule whose data rows were each counted is sampled, not its share)
            kind = "sampled rule" if top_r.get("rows_counted") else "sampled"
            rule_text += (
                f" ({kind}: {percent(top_r['share_inside'])} discriminatory inside"
                f"{interval}; "
                f"{percent(top_r['weight_space'])} of the input space"
                f"{'; ' + holds if holds else ''}"
                f"{_why_sampled(summary, v)})"
            )
            rule_text += _rules_favour(summary, regions)
    if not boxes or v.get("certificate"):
        return rule_text or ""
    exact, box = boxes[0]
    high = (exact.get("share_uniform") or {}).get("high")
    box_holds = float(box["share_of_space"]) / float(high) if high else None
    # (a tie goes to the rule: the shares are sums of volumes, one rounded, one not)
    if rule_text is not None and (box_holds is None or (rule_holds or 0.0) >= box_holds - 1e-9):
        return rule_text
    # (the exact share's upper bound: the box holds at least that share of the IDIs)
    at_least = "at least " if exact.get("status") != "exact" else ""
    holds = "" if box_holds is None else f"; {at_least}{percent(min(1.0, box_holds))} of the IDIs"
    # (exact rules cut by time, shown or not: the box is no rule's, and the rules are short)
    cut = _cut_short(regions[0], summary) if regions else ""
    return (
        f"; largest exact box: {box['rule']} (all of it discriminatory, "
        f"{percent(box['share_of_space'])} of the input space{holds}{cut})"
    )


def _rules_favour(summary: dict[str, Any], regions: list[dict[str, Any]]) -> str:
    """Who is favoured inside the first confirmed rule (a sampled rule's checked IDIs, an
    exact rule's every IDI), and in each other confirmed rule that favours another value: a
    model favouring one value here and the other there has an attribute's direction near
    even, which alone reads as none.  The confirmed rules left unnamed are counted, so that
    none is only in the reports unsaid."""
    favourable = (summary.get("favourable") or {}).get("class")

    def told(r: dict[str, Any]) -> tuple[str, str] | None:
        rows = r.get("direction") or []
        if not rows or all(d.get("favoured_in") is None for d in rows):
            return None
        n = rows[0].get("idis")
        if r.get("figures") == "exact":  # every IDI inside counted: no interval
            of = (
                "its discriminatory input space (exact)"
                if n is None
                else f"its {int(n):,} IDI{'' if n == 1 else 's'} (exact: every one counted)"
            )
        elif not n:
            return None
        else:
            of = f"its {int(n):,} checked IDI{'' if n == 1 else 's'}"
        top = max(rows, key=lambda d: d["favoured_in"] or 0)
        return str(top["value"]), favoured_text(rows, favourable, of, "there")

    first = told(regions[0])
    named = 1
    out = "" if first is None else f"; inside it, {first[1]}"
    for r in regions[1:]:
        other = told(r)
        if (
            first is not None
            and other is not None
            and other[0] != first[0]
            and "not told apart" not in other[1]
        ):
            out += f"; and in {r['rule']}, {other[1]}"
            named += 1
    more = len(regions) - named
    if more:
        out += (
            f"; {more:,} more confirmed {'rule' if more == 1 else 'rules'} "
            "in the JSON and HTML reports"
        )
    return out


def _cut_short(rule: dict[str, Any], summary: dict[str, Any]) -> str:
    """Beside exact rules whose search the answer's deadline stopped: the best found before
    it, not the whole search's (and the share of the IDIs they leave out)."""
    if not rule.get("cut_by_time"):
        return ""
    found = sum(1 for r in summary.get("regions") or [] if r["attribute"] == rule["attribute"])
    left = rule.get("idis_left")
    out = (
        f"; the rule search was cut by time after {found:,} "
        f"{'rule' if found == 1 else 'rules'}: the best found so far"
    )
    return out + (f", {percent(left)} of the IDIs in none of them" if left else "")


def _why_sampled(summary: dict[str, Any], v: dict[str, Any]) -> str:
    """Beside an exact share, why the rule is sampled all the same (an ensemble's branch and
    bound, too many boxes, the answer's time): the line says "(exact)" of the share."""
    for e in summary.get("exact") or []:
        if e.get("attribute") == v["attribute"] and e.get("status") == "exact":
            why = (e.get("regions") or {}).get("why_sampled")
            return f"; not learned from the exact boxes: {why}" if why else ""
    return ""


_EXAMPLE_CHARS = 400  # one witness on its line; a wide table's is cut, the reports hold it


def _example(summary: dict[str, Any], attribute: str) -> str | None:
    """One witness of the attribute's first confirmed region, in the data's own values,
    with what the model answers for each value of the attribute: a case to paste into a bug
    report (``  e.g. age 37, job Sales, ...: Female: <=50K, Male: >50K``)."""
    outcome = f"outcome by {attribute}"
    for r in summary.get("regions") or []:
        if r.get("attribute") != attribute or not r.get("confirmed"):
            continue
        for w in r.get("witnesses") or []:
            if not isinstance(w, dict) or outcome not in w:
                continue
            return _example_line(_values(w, {attribute, outcome}), str(w[outcome]))
    return None


def _values(row: dict[str, Any], left_out: set[str]) -> str:
    return ", ".join(
        f"{k} {'missing' if v is None else listed(v)}" for k, v in row.items() if k not in left_out
    )


def _example_line(values: str, answers: str) -> str:
    """``  e.g. VALUES: ANSWERS``, the values cut (the answers kept) past the line's length."""
    line = f"  e.g. {values}: {answers}"
    if len(line) <= _EXAMPLE_CHARS:
        return line
    keep = max(0, _EXAMPLE_CHARS - len(f"  e.g.  ...: {answers}"))
    return f"  e.g. {values[:keep].rstrip(', ')} ...: {answers}"


def first_idi(summary: dict[str, Any]) -> str | None:
    """The run's first example IDI in the data's own values, with the model's answer for the
    input and for each variant that changed it (``  e.g. age 39, priors_count 5 (a real
    row): race African-American, sex Male: no; race Other, sex Female: yes``): a case to
    paste into a bug report where no region had a witness of its own."""
    for e in summary.get("examples") or []:
        if not isinstance(e, dict) or not isinstance(e.get("input"), dict):
            continue
        variants = [x for x in e.get("variants") or [] if isinstance(x, dict)]
        protected = set().union(*(set(x.get("protected") or {}) for x in variants))
        values = _values(e["input"], protected)
        if e.get("from_real_row"):
            values += " (a real row)"
        answers = "; ".join(
            ", ".join(f"{k} {listed(val)}" for k, val in (x.get("protected") or {}).items())
            + f": {x.get('prediction')}"
            for x in variants
        )
        return _example_line(values, answers)
    return None
