"""mutation47: the forty-fifth session's report words, each assertion a surviving mutant's:
what a run says after its headline (``cli.reporting.say_ending``: why its search ended
early only of a search that completed), why a suite's failing tests fail nothing (never
"below --fail-on 0"), an unfinished run's findings so far in the reports, a demonstration's
JUnit beside not everything tested, the HTML's tests table and its notes no section says, a
demonstration's exit code in words, and a listing whose stdout was closed at the start."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest

from assay.cli import lost_stdout
from assay.cli.reporting import say_ending
from assay.core.command_exit import exit_said
from assay.report.html import _tests_fail_nothing, _unsaid_notes
from assay.report.junit_demo import as_demonstration
from assay.report.verdict_text import _verdict_text, suite_fails_nothing


class _Out:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, line: str) -> None:
        self.said.append(line)


def _ended(status: str) -> list[str]:
    out = _Out()
    record = SimpleNamespace(status=status, summary=STOPPED, command="assay x")
    say_ending(cast(Any, out), record)
    return out.said


STOPPED = {"stop_reason": "no new finding in 5 rounds"}


def test_only_a_completed_search_says_it_ended_before_its_budget() -> None:
    assert _ended("completed") == ["the search ended before its budget: no new finding in 5 rounds"]
    assert _ended("interrupted") == []  # (its search did not end: it is resumed)


def _doc(**findings: Any) -> dict[str, Any]:
    return {"run": {"summary": {}, "command": "assay text"}, "findings": findings}


def test_a_suites_findings_fail_nothing_below_a_positive_fail_on_only() -> None:
    assert suite_fails_nothing(_doc(fail_on=0.3, at_or_above_fail_on=0)) == (
        "each finding below --fail-on 0.3"
    )
    assert suite_fails_nothing(_doc(fail_on=0.3, at_or_above_fail_on=2)) is None
    # at --fail-on 0 every finding fails: none is "below" it
    assert suite_fails_nothing(_doc(fail_on=0, at_or_above_fail_on=0)) is None
    assert suite_fails_nothing(_doc(at_or_above_fail_on=0)) is None


def test_an_unfinished_runs_report_verdict_says_its_findings_so_far() -> None:
    doc = {
        "run": {
            "status": "interrupted",
            "summary": {},
            "config": {"fail_on": 0.2},
            "command": "assay text",
        },
        "findings": {"total": 12, "at_or_above_fail_on": 7},
    }
    said = _verdict_text(doc)
    assert said == (
        "none yet: the run has not ended (interrupted); its findings so far: 7 at or above "
        "--fail-on 0.2"
    ), said
    doc["findings"] = {"total": 0, "at_or_above_fail_on": 0}
    assert _verdict_text(doc) == "none yet: the run has not ended (interrupted)"


def _case(name: str, child: str | None = None, **attrs: str) -> ET.Element:
    case = ET.Element("testcase", name=name)
    if child is not None:
        ET.SubElement(case, child, attrib=attrs)
    return case


def test_a_demonstrations_incomplete_error_passes_beside_its_bugs() -> None:
    cases = [
        _case("finding 1", "failure", message="a finding"),
        _case("run", "error", type="incomplete", message="not everything was tested: the budget"),
        _case("store", "error", type="store", message="the store failed"),
    ]
    out = as_demonstration(cases, "c")
    run = next(c for c in out if c.get("name") == "run")
    assert run.find("error") is None, ET.tostring(run)
    said = run.find("system-out")
    assert said is not None and str(said.text).startswith("not everything was tested: the budget")
    store = next(c for c in out if c.get("name") == "store")
    assert store.find("error") is not None  # (an error of another kind stays an error)
    demo = next(c for c in out if c.get("name") == "demonstration")
    text = str(demo.find("system-out").text)  # type: ignore[union-attr]
    assert text.endswith(", though not everything was tested (its own case says why)"), text


def _table(*outcomes: str) -> dict[str, Any]:
    rows = [[f"t{k}", o] for k, o in enumerate(outcomes)]
    return {"paragraphs": [], "table": {"columns": ["test", "outcome"], "rows": rows}}


def test_the_htmls_failing_tests_pass_with_why_and_only_they_change() -> None:
    out = _table("failing", "no failure found")
    why = "unconfirmed: none of its findings was confirmed when asked again"
    _tests_fail_nothing(out, why)
    assert out["table"]["rows"] == [
        ["t0", "passing: its failing cases fail nothing (unconfirmed)"],
        ["t1", "no failure found"],
    ]
    assert out["paragraphs"] == [f"A test with failing cases passes: {why}."]
    out = _table("no failure found")
    _tests_fail_nothing(out, "each finding below --fail-on 0.3")
    assert out["paragraphs"] == [] and out["table"]["rows"] == [["t0", "no failure found"]]
    out = _table("failing")
    _tests_fail_nothing(out, "each finding below --fail-on 0.3")
    assert out["table"]["rows"][0][1] == (
        "passing: its failing cases fail nothing (each finding below --fail-on 0.3)"
    )


def test_the_htmls_notes_are_those_no_section_says() -> None:
    summary = {
        "notes": ["the model may not read foreign_worker at all.", "said in a section."],
        "warnings": ["Said In The Headline"],
        "sections": [{"title": "x", "text": "this is said in a section"}],
    }
    doc = {"headline": "12 found; said in the headline"}
    notes = _unsaid_notes(summary, doc, "")
    assert notes == [
        {"title": "Notes", "paragraphs": ["the model may not read foreign_worker at all."]}
    ]
    assert (
        _unsaid_notes({"notes": ["said in a section."], "sections": summary["sections"]}, {}, "")
        == []
    )


def test_a_demonstrations_exit_code_never_reads_as_the_run_passed() -> None:
    config = {"command_exit": {"code": 0, "command": "demo"}}
    said = str(exit_said(config, 0, demo=True))
    assert said.startswith("assay demo exited 0 (the demonstration found the bugs it demonstrates)")
    assert str(exit_said(config, 0)).startswith("assay demo exited 0 (the run passed)")


@pytest.fixture
def fresh_streams() -> Iterator[None]:
    lost_stdout.forget()
    yield
    lost_stdout.closed_at_start([])
    lost_stdout.forget()


def test_a_listing_whose_stdout_was_closed_at_the_start_exits_2(
    fresh_streams: None, capsys: pytest.CaptureFixture[str]
) -> None:
    lost_stdout.closed_at_start(["stdout"])
    assert lost_stdout.exit_code(0) == 0  # (no answer on stdout: a run's commentary)
    lost_stdout.answer("the list of runs")
    assert lost_stdout.exit_code(0) == 2
    assert "stdout was closed when assay started: the list of runs is lost (exit 2)" in (
        capsys.readouterr().err
    )
    assert lost_stdout.exit_code(1) == 1


def test_a_closed_stderr_alone_loses_no_listing(fresh_streams: None) -> None:
    lost_stdout.closed_at_start(["stderr"])
    lost_stdout.answer("the list of runs")
    assert lost_stdout.exit_code(0) == 0
