"""JUnit XML rendered from a report document, for CI systems.

Each example finding is a failed test case; findings beyond the examples are one more failed
case; a run without findings is one passing case; a failed or unfinished run (interrupted,
running) adds an errored case.  A fairness run judged by a rule on the share (``--fail-on
'share>0.01'``) is judged so here too, as its exit code is: one case per protected attribute,
failed when its share is above the rule; its findings are passing cases that show them.
A demonstration's file reports the demonstration (``junit_demo``).  A text run of several
tests (a suite) adds one case per test (``junit_tests``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from assay.core.callers_prose import judged_in_callers_terms
from assay.core.outcome import (
    STORE_FAILED,
    answer_fails,
    answer_found,
    answer_rule,
    document_status,
    is_demonstration,
    not_a_pass,
    rule_option,
    status_note,
    unconfirmed_note,
    unended_status,
)
from assay.core.store import ENDED
from assay.core.verdict import rule_unjudged
from assay.core.witnesses import TIE
from assay.report._text import compact, run_seconds, safe_text
from assay.report.junit_body import bounded_json
from assay.report.junit_cases import (
    backdoor_case,
    backdoor_key,
    fairness_case,
    fairness_key,
    in_own_values,
    text_case,
)
from assay.report.junit_demo import as_demonstration
from assay.report.junit_subject import suite_name
from assay.report.junit_tests import suite_test_cases
from assay.report.verdict_text import (
    found_so_far_text,
    share_text,
    suite_fails_nothing,
)

__all__ = ["render_junit"]


def _where_kept(findings: dict[str, Any], total: int) -> str:
    """Where the findings beyond the file's cases are: in the run store, or (a store keeping
    a capped set of witnesses, ``--keep-findings``) counted there, with how many it keeps."""
    kept = findings.get("kept")
    if isinstance(kept, bool) or not isinstance(kept, int) or kept >= total:
        return "in the run store"
    return f"counted in the run store, which keeps {kept:,} of the {total:,} as witnesses"


def render_junit(doc: dict[str, Any]) -> str:
    """The report as a JUnit XML string (one ``<testsuite>``)."""
    run = _dict(doc.get("run"))
    findings = _dict(doc.get("findings"))
    run_id = safe_text(run.get("id", ""))
    classname = suite_name(run)  # the run's subject in it: two runs in one job stay apart
    cases: list[ET.Element] = []

    examples = [f for f in findings.get("examples") or [] if isinstance(f, dict)]
    fail_on = findings.get("fail_on")
    fail_on = float(fail_on) if isinstance(fail_on, int | float) else 0.0
    # a rule on the share decides, not each finding (as the exit code): no finding fails;
    # a run that ended without a verdict (its answer left out) is judged by its findings,
    # as it exits; one that has not ended judged nothing yet (its error says the rule was
    # not judged, as its verdict line does: left47f), its findings failing nothing
    given = rule = answer_rule(_dict(run.get("config")))
    unjudged = rule is not None and answer_fails(_dict(run.get("summary"))) is None
    if unjudged and document_status(run) in ENDED:
        rule = None
    # none confirmed, the findings fail nothing (exit 2, the "not everything tested" case
    # below): each says why, as one below --fail-on does
    note = unconfirmed_note(_dict(run.get("summary")))
    note = judged_in_callers_terms(note, run.get("command")) if note else None
    for position, finding in enumerate(examples):
        cases.append(
            _finding_case(
                classname, finding, position, fail_on, run, rule, note, doc.get("report_command")
            )
        )
    _unique_names(cases)
    total = findings.get("total", len(examples))
    total = total if isinstance(total, int) else len(examples)
    if total > len(examples):
        more = total - len(examples)
        # of these, the ones at or above --fail-on fail (the document counts them)
        failing = findings.get("at_or_above_fail_on")
        shown = sum(1 for c in cases if c.find("failure") is not None)
        failing_more = more if not isinstance(failing, int) else max(0, failing - shown)
        if rule is not None or note:
            failing_more = 0
        if failing_more:
            # named without the count, which changes from run to run: CI follows one case
            case = _case(classname, "more findings")
            _child(
                case,
                "failure",
                message=f"{failing_more:,} more finding{'' if failing_more == 1 else 's'} "
                + _where_kept(findings, total),
                type="findings",
                text=f"{total:,} findings in all; see them with: "
                f"{doc.get('report_command') or f'assay report {run_id}'} --html report.html",
            )
            cases.append(case)
        if more > failing_more:
            below = more - failing_more
            why = (
                f"judged by {rule_option(rule)}"
                if rule
                else "unconfirmed"
                if note
                else f"below --fail-on {fail_on:g}"
            )
            case = _case(classname, f"more findings {why}")
            _child(case, "system-out", text=f"{below:,} findings {why}")
            cases.append(case)
    ended = document_status(run)  # (an "unfinished" run's search ended: judged as ended)
    failed = ended == "failed"
    summary = _dict(run.get("summary"))
    not_passed = not_a_pass(summary) if ended in ENDED else None
    # a category column's values no data row holds, never tested: said beside the pass
    unheld = [str(v["untested"]) for v in summary.get("verdict") or [] if _dict(v).get("untested")]
    # the answer's finding fails the run at the default threshold only (as the exit code)
    found = answer_found(summary) if total == 0 and rule is None and fail_on <= 0 else []
    if rule is not None:
        cases.extend(_rule_cases(classname, summary, rule))
    if found:
        case = _case(classname, "answer")
        text = f"no finding was stored, but the answer found discrimination on {', '.join(found)}"
        _child(
            case, "failure", message=text, type="answer", text=safe_text(doc.get("headline", ""))
        )
        cases.append(case)
    if not_passed:
        what, why = not_passed
        untested = what == "nothing was tested"
        case = _case(classname, "nothing tested" if untested else "not everything tested")
        text = f"{what}: {why}" + (f"; its {total:,} findings are {note}" if note else "")
        if unjudged and given is not None:
            text += f"; {rule_unjudged(given, total)}"
        _child(
            case, "error", message=text, type="untested" if untested else "incomplete", text=text
        )
        cases.append(case)
    elif failed:
        case = _case(classname, "run")
        error = safe_text(run.get("error") or "the run failed")
        text = error + _left(doc, run)  # (what the failed command's terminal said after it)
        _child(case, "error", message=error.splitlines()[0][:500], type="run_failed", text=text)
        cases.append(case)
    elif ended not in ENDED and status_note(ended):
        # interrupted, still running, or its served model gone: nothing found so far is
        # no pass (a CI job's timeout must not publish a green report)
        status = unended_status(run)
        case = _case(classname, "unfinished")
        text = f"the run is {status.replace('_', ' ')}: {status_note(status)}"
        if status == STORE_FAILED:  # (what failed, from the store's own error)
            text = f"the run store failed while the run went on: {safe_text(run.get('error'))}"
        if so_far := found_so_far_text(doc):
            # its findings so far and a rule on the share, judged or not, as the terminal's
            # and the HTML's verdicts say them (left47f)
            text += f"; {so_far}"
        _child(case, "error", message=text, type="unfinished", text=text)
        cases.append(case)
    elif total == 0 and not found:
        case = _case(classname, "no finding at or above the threshold")
        said = [safe_text(doc.get("headline", "")), *unheld]  # (a pass of the values held)
        _child(case, "system-out", text="\n".join(said))
        cases.append(case)

    if is_demonstration(str(run.get("command") or ""), _dict(run.get("config"))):  # judged so
        cases = as_demonstration(cases, classname)
    else:  # a text suite's tests, each a case of its own (``junit_tests``)
        cases.extend(suite_test_cases(classname, summary, suite_fails_nothing(doc)))
    n_fail = sum(1 for c in cases if c.find("failure") is not None)
    n_err = sum(1 for c in cases if c.find("error") is not None)
    n_skip = sum(1 for c in cases if c.find("skipped") is not None)
    # the wall clock the headline states, not the search's alone; with a retraining after the
    # run, the whole step's (a CI job's step took that long)
    whole = _dict(run.get("summary")).get("wall_seconds_with_retraining")
    elapsed = run_seconds(run)
    if isinstance(whole, int | float) and not isinstance(whole, bool):
        elapsed = float(whole)
    counts = {"tests": str(len(cases)), "failures": str(n_fail), "errors": str(n_err)}
    root = ET.Element("testsuites", {"name": "assay", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": classname, **counts, "skipped": str(n_skip)})
    if elapsed is not None:
        suite.set("time", f"{float(elapsed):.3f}")
        root.set("time", f"{float(elapsed):.3f}")
    created = run.get("created")
    stamped = isinstance(created, int | float) and not isinstance(created, bool)
    if stamped and created is not None:
        # local time without a zone, as Ant's formatter writes it and the JUnit schema's
        # pattern allows (a zone is invalid there): Jenkins and Ant's readers take it as the
        # machine's local time; the instant itself is the ``timestamp_utc`` property
        suite.set("timestamp", datetime.fromtimestamp(created).strftime("%Y-%m-%dT%H:%M:%S"))
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("run_id", run_id),
        ("status", run.get("status", "")),
        *([("search_status", ended)] if ended != run.get("status") else []),
        *([("command_exit", doc["command_exit"])] if doc.get("command_exit") else []),
        ("seed", run.get("seed", "")),
        ("command", doc.get("rerun") or run.get("command", "")),
        *([("command_note", doc["rerun_note"])] if doc.get("rerun_note") else []),
        *_store(_dict(doc.get("store"))),
        ("headline", doc.get("headline", "")),
        *[("untested", said) for said in unheld],
        *_answers(_dict(run.get("summary"))),
        *_aside(_dict(run.get("summary")), str(doc.get("headline") or "")),
        *_withdrawn(_dict(run.get("summary"))),
        ("report_schema_version", doc.get("schema_version", "")),
        *([("timestamp_utc", _utc(created))] if stamped else []),
        *_retraining(_dict(_dict(run.get("summary")).get("mitigation"))),
    ):
        ET.SubElement(props, "property", name=name, value=safe_text(value))
    suite.extend(cases)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _left(doc: dict[str, Any], run: dict[str, Any]) -> str:
    """A failed run's findings kept and how to go on, as the command that failed printed
    them below its error (its ``next`` lines, which only that command's reports carry:
    ``cli.app._left_behind``); "" in a report built later."""
    lines = doc.get("next")
    if not isinstance(lines, list):
        return ""
    n = run.get("n_findings")
    kept = f"{n:,}" if isinstance(n, int) and not isinstance(n, bool) else "its"
    said = [f"run {run.get('id', '')}: {document_status(run)}, {kept} findings stored"]
    return "\n" + "\n".join(safe_text(str(line)) for line in [*said, *lines])


def _store(store: dict[str, Any]) -> list[tuple[str, str]]:
    """The run store as the JSON's ``store`` names it: ``store`` (its absolute path, which
    the command names) and ``store_in_folder`` (its path from the folder the run was started
    in, for a reader elsewhere: a CI artifact's) when it lies under it."""
    out = [("store", str(store["path"]))] if store.get("path") else []
    if store.get("in_folder"):
        out.append(("store_in_folder", str(store["in_folder"])))
    return out


def _answers(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """A fairness run's answer per protected attribute, as the terminal, ``assay show``, the
    HTML and the JSON say it: its shares with their intervals and its level ("found",
    "certified zero", ...).  Before report46 JUnit said them only for a run judged by a rule
    on the share: a certificate, and every share, was dropped from the CI's file."""
    out = []
    for row in summary.get("verdict") or []:
        if not isinstance(row, dict):
            continue
        try:
            said = share_text(row)
        except (KeyError, TypeError, ValueError):
            said = f"{row.get('attribute', '?')}: level {row.get('level')}"
        else:
            said += f"; {row.get('level')}"
        out.append(("answer", said))
    return out


def _aside(summary: dict[str, Any], headline: str) -> list[tuple[str, str]]:
    """The run's warnings and notes its headline does not say, one property each, as the
    terminal printed them ("warning: ...", "note: ...") and the HTML's Notes section and the
    JSON report keep them.  Before report48 the CI's file dropped every one: a torch module's
    "read as a classifier's logits ...; if they are not class scores ..., test one output at
    a time with --cutoff C", what the user must do, was in every output but JUnit."""
    said = headline.lower()
    out: list[tuple[str, str]] = []
    for kind, key in (("warning", "warnings"), ("note", "notes")):
        for text in dict.fromkeys(str(n) for n in summary.get(key) or [] if str(n).strip()):
            if text.rstrip(". ").lower() not in said:
                out.append((kind, text))
    return out


def _withdrawn(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """Each exact analysis whose figures (and certificate) the search's findings withdrew
    (``fairness.exact_found``): said, not only seen as a "certified zero" gone."""
    return [
        ("exact_withdrawn", f"{e.get('attribute', '?')}: {e.get('reason', '')}")
        for e in summary.get("exact") or []
        if isinstance(e, dict) and e.get("withdrawn") is True
    ]


def _retraining(mitigation: dict[str, Any]) -> list[tuple[str, Any]]:
    """What ``--retrain`` did (its text) and the model it wrote, or that it wrote none: a
    CI job's JUnit reader is told as the JSON and the HTML tell theirs."""
    if not mitigation:
        return []
    saved = mitigation.get("saved") or []
    return [
        ("retraining", mitigation.get("text", "")),
        ("retrained_model", saved[0] if saved else "none written (the model is unchanged)"),
    ]


def _utc(created: Any) -> str:
    """A run's start as an ISO 8601 instant in UTC (``2026-12-05T17:39:38Z``)."""
    return datetime.fromtimestamp(float(created), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rule_cases(classname: str, summary: dict[str, Any], rule: str) -> list[ET.Element]:
    """One case per protected attribute of a run judged by a rule on the share: failed when
    the verdict fails it, passing otherwise (no verdict: ``not_a_pass`` says so)."""
    cases = []
    for row in summary.get("verdict") or []:
        if not isinstance(row, dict):
            continue
        name = safe_text(row.get("attribute", "?"))
        case = _case(classname, f"share of discriminatory inputs: {name} ({rule_option(rule)})")
        try:
            said = safe_text(share_text(row))
        except (KeyError, TypeError, ValueError):
            said = f"{name}: level {safe_text(row.get('level'))}"
        if row.get("undecided"):
            said += " (judged on the estimate: its interval spans the threshold)"
        if row.get("fails"):
            message = f"{said}: above {rule_option(rule)}"
            _child(case, "failure", message=message, type="share", text=message)
        else:
            _child(case, "system-out", text=f"{said}: within {rule_option(rule)}")
        cases.append(case)
    return cases


def _finding_case(
    classname: str,
    finding: dict[str, Any],
    position: int,
    fail_on: float = 0.0,
    run: dict[str, Any] | None = None,
    rule: str | None = None,
    unconfirmed: str | None = None,
    report: str | None = None,
) -> ET.Element:
    """A failed case, or a passing one (its finding in ``system-out``) for a finding below
    the run's ``--fail-on`` or of a run judged by a ``rule`` on the share: the run's exit
    code let it pass, so must CI."""
    kind = safe_text(finding.get("kind", "finding"))
    index = finding.get("index", position)
    severity = finding.get("severity")
    sev = f"{severity:.3g}" if isinstance(severity, int | float) else safe_text(severity)
    details = finding.get("details")
    name = details.get("name") if isinstance(details, dict) else None
    sentence = text_case(finding, run)
    # a sentence, an image or an IDI's values name its case (the same one is the same case in
    # the next run, whatever its position among the findings); other findings by position
    key = sentence[0] if sentence else backdoor_key(finding, run) or fairness_key(finding, run)
    case = _case(classname, f"{kind} {key}" if key else f"{kind}[{index}]")
    case.set("index", str(index))
    # an image's own name ('cat_017.png') tells CI more than its pixels, a sentence's answers
    # more than its output columns, and a row in the user's own values more than its codes
    rows = (fairness_case(finding, run) or backdoor_case(finding, run)) if not sentence else None
    on = (
        sentence[1]
        if sentence
        else rows
        if rows
        else f"in {name}"
        if isinstance(name, str)
        else f"on inputs {compact(finding.get('inputs'), 160)}"
    )
    message = f"severity {sev}: {kind} {on}"
    body = bounded_json(in_own_values(finding, run), report)  # (an IDI in the data's values)
    if unconfirmed:
        text = f"{message} ({unconfirmed})\n{body}"
        _child(case, "system-out", text=safe_text(text))
        return case
    if rule is not None:
        by = f"the run is judged by {rule_option(rule)}"
        if answer_fails(_dict(_dict(run).get("summary"))) is None:
            by += ", not judged yet: its answer is not computed"  # (a run that has not ended)
        text = f"{message} ({by})\n{body}"
        _child(case, "system-out", text=safe_text(text))
        return case
    if fail_on > 0 and isinstance(severity, int | float) and severity < fail_on - TIE:
        text = f"{message} (below --fail-on {fail_on:g})\n{body}"
        _child(case, "system-out", text=safe_text(text))
        return case
    _child(case, "failure", message=safe_text(message), type=kind, text=safe_text(body))
    return case


def _unique_names(cases: list[ET.Element]) -> None:
    """Cases sharing a name (one sentence found twice, as two kinds of finding do not) take
    their finding's position after it, so that CI counts each; the helper attribute goes."""
    seen: dict[str, int] = {}
    for case in cases:
        seen[case.get("name", "")] = seen.get(case.get("name", ""), 0) + 1
    for case in cases:
        index = case.attrib.pop("index", None)
        if seen[case.get("name", "")] > 1 and index is not None:
            case.set("name", f"{case.get('name')} [{index}]")


def _case(classname: str, name: str) -> ET.Element:
    # one line: a sentence's line breaks and tabs would split the name CI lists
    one_line = " ".join(safe_text(name).splitlines()).replace("\t", " ")
    return ET.Element("testcase", classname=classname, name=one_line, time="0")


def _child(parent: ET.Element, tag: str, *, text: str, **attrs: str) -> None:
    child = ET.SubElement(parent, tag, attrs)
    child.text = text


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
