"""The HTML report never said whether the run passed its gate: a text run whose 611
invariance failures were all below its ``--fail-on 0.9`` (exit 0, a passing JUnit file)
showed "613 invariance failures found" and the 611 sentences, nothing else; a fairness run
within ``--fail-on 'share>0.2'`` showed its IDIs and "found".  A team lead deciding from the
page read a pass as a failure.  The header now has a Verdict row, as the exit code and the
JUnit file judge the run (hostile35)."""

from __future__ import annotations

import html
import re
from typing import Any

from assay.report import render_html, render_junit
from assay.report.verdict_text import run_verdict_text


def _doc(
    total: int, at_or_above: int, fail_on: float = 0.0, status: str = "completed", **extra: Any
) -> dict[str, Any]:
    config: dict[str, Any] = {"fail_on": fail_on, **extra.pop("config", {})}
    return {
        "schema_version": 2,
        "headline": f"{total} invariance failures found in 1,365 queries",
        "rerun": "assay text builtin:tfidf --grammar builtin:names --seed 1",
        "run": {
            "id": "text-1", "technique": "text", "status": status, "seed": 1,
            "command": "assay text builtin:tfidf --grammar builtin:names --seed 1",
            "config": config, "summary": extra.pop("summary", {"tested": 1365}), **extra,
        },
        "findings": {
            "total": total, "at_or_above_fail_on": at_or_above, "fail_on": fail_on,
            "examples": [],
        },
    }  # fmt: skip


def _header_verdict(doc: dict[str, Any]) -> str | None:
    m = re.search(r"<th>Verdict</th>\s*<td>(.*?)</td>", render_html(doc), re.S)
    return html.unescape(m.group(1)) if m else None


def _junit_red(doc: dict[str, Any]) -> bool:
    xml = render_junit(doc)
    return bool(re.search(r'<testsuites[^>]* failures="[1-9]', xml)) or bool(
        re.search(r'<testsuites[^>]* errors="[1-9]', xml)
    )


def test_a_run_below_its_fail_on_says_it_passes() -> None:
    doc = _doc(611, 0, fail_on=0.9)
    said = _header_verdict(doc)
    assert said == "passes --fail-on 0.9: nothing at or above it (611 findings below it)", said
    assert not _junit_red(doc)


def test_a_failing_run_says_it_fails() -> None:
    doc = _doc(611, 73, fail_on=0.2)
    assert _header_verdict(doc) == "fails: 73 findings at or above --fail-on 0.2"
    assert _junit_red(doc)


def test_a_run_within_its_share_rule_passes_and_one_above_fails() -> None:
    config = {"answer": {"fail_on": "share>0.2"}}
    row = {"attribute": "sex", "level": "found", "basis": "sampled"}
    within = _doc(1317, 1317, config=config, summary={"tested": 1, "verdict": [row]})
    assert (
        _header_verdict(within) == "passes --fail-on 'share>0.2': no attribute's share is above it"
    )
    assert not _junit_red(within)
    above = _doc(
        1317, 1317, config=config, summary={"tested": 1, "verdict": [{**row, "fails": True}]}
    )
    assert _header_verdict(above) == "fails --fail-on 'share>0.2': sex"
    assert _junit_red(above)


def test_runs_that_are_no_pass_say_so() -> None:
    untested = _doc(0, 0, summary={"untested_reason": "the model gave one answer"})
    assert run_verdict_text(untested) == "not a pass: nothing was tested"
    assert run_verdict_text(_doc(3, 3, status="interrupted")) == (
        "none yet: the run has not ended (interrupted); its findings so far: 3 at or above "
        "--fail-on 0"  # (report46b)
    )
    assert (
        run_verdict_text(_doc(0, 0, status="failed"))
        == "not a pass: the run failed (see the error)"
    )
    assert run_verdict_text(_doc(0, 0)) == "passes: nothing found"


def test_a_demonstration_is_not_given_a_models_verdict() -> None:
    doc = _doc(45, 45, config={"demonstration": True})  # (kept by every run since left36b)
    doc["run"]["command"] = "assay text --demo --seed 0"
    assert run_verdict_text(doc) is None and _header_verdict(doc) is None
    # stored before the flag: by its words, its models built in (a user's never)
    models = {"invocation": {"models": ["builtin:vader", "builtin:textblob"]}}
    doc = _doc(45, 45, config=models)
    doc["run"]["command"] = "assay text --demo --seed 0"
    assert run_verdict_text(doc) is None and _header_verdict(doc) is None
