"""Exit codes and JUnit reports of stored runs at the edges of the outcome rules.

Each test here was written against a plausible one-token bug (a mutation) that the rest of
the suite let through and that would have made a run pass (exit 0, a green JUnit suite,
``result.passed``) when it should not: see bench/RESULTS.md, "mutation20".  A run is made
directly in a store (its summary, config and findings as a technique leaves them) and
judged as ``assay`` judges it at the end of a command (``cli.reporting.finish_run``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.cli.console import Output
from assay.cli.reporting import demo_exit, finish_interrupted, finish_run
from assay.cli.verdict import run_verdict
from assay.core.findings import FindingBatch
from assay.core.outcome import passes, untested
from assay.core.store import RunStore


def _run(
    tmp_path: Path,
    *,
    summary: dict[str, Any],
    severities: tuple[float, ...] = (),
    status: str = "completed",
    config: dict[str, Any] | None = None,
    technique: str = "fairness",
) -> tuple[int, ET.Element]:
    """(exit code, JUnit root) of a stored run as the command line ends it."""
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1",
            technique=technique,
            seed=1,
            command="assay test",
            config=config or {},
            model={},
            versions={},
        )
        findings = []
        if severities:
            n = len(severities)
            findings.append(
                FindingBatch(
                    "idi", np.zeros((n, 2, 3)), np.zeros((n, 2, 1)), np.asarray(severities)
                )
            )
        store.checkpoint("r1", findings=findings, status=status, summary=summary)
        junit = tmp_path / "junit.xml"
        code = finish_run(Output(quiet=True), store=store, run_id="r1", junit=junit)
    finally:
        store.close()
    return code, ET.parse(junit).getroot()


def _counts(root: ET.Element) -> tuple[int, int]:
    return int(root.get("failures") or 0), int(root.get("errors") or 0)


def test_a_plain_run_with_a_finding_fails_and_without_one_passes(tmp_path: Path) -> None:
    """The helper's own check: the ordinary outcomes read as the command line says them."""
    code, root = _run(tmp_path / "a", summary={"headline": "h", "tested": 10}, severities=(0.5,))
    assert code == 1 and _counts(root) == (1, 0)
    code, root = _run(tmp_path / "b", summary={"headline": "h", "tested": 10})
    assert code == 0 and _counts(root) == (0, 0)


def test_an_answer_that_judged_no_input_does_not_make_a_run_tested(tmp_path: Path) -> None:
    """A run whose budget ran out before its first test, and whose answer judged nothing
    (``answer_tested`` 0: its samples were cut to none), tested nothing: exit 2 and an
    errored JUnit case, never exit 0 (mutant: ``answer > 0`` read as ``answer >= 0``)."""
    summary = {"headline": "h", "tested": 0, "answer_tested": 0, "stop_reason": "queries"}
    assert untested(summary) is not None
    code, root = _run(tmp_path, summary=summary)
    assert code == 2 and _counts(root) == (0, 1)


_TESTED = {"headline": "h", "tested": 10}
_FOUND = [{"attribute": "sex", "level": "found", "fails": None}]
_RULE = {"answer": {"fail_on": "share>0.1"}}
_SPREAD = tuple(k / 1000 for k in range(100, 500, 10))  # 40 severities from 0.1 to 0.49

# (case, summary, severities, status, config, exit code, (JUnit failures, errors))
CASES: list[
    tuple[str, dict[str, Any], tuple[float, ...], str, dict[str, Any], int, tuple[int, int]]
] = [
    ("clean", _TESTED, (), "completed", {}, 0, (0, 0)),
    ("clean, budget ended", _TESTED, (), "budget_exhausted", {}, 0, (0, 0)),
    ("one finding", _TESTED, (0.2,), "completed", {}, 1, (1, 0)),
    (
        "constant model",
        {**_TESTED, "untested_reason": "one answer"},
        (),
        "completed",
        {},
        2,
        (0, 1),
    ),
    (
        "no test",
        {"headline": "h", "tested": 0, "stop_reason": "time"},
        (),
        "budget_exhausted",
        {},
        2,
        (0, 1),
    ),
    (
        "part untested",
        {**_TESTED, "incomplete_reason": "3 images"},
        (),
        "budget_exhausted",
        {},
        2,
        (0, 1),
    ),
    ("answer found it", {**_TESTED, "verdict": _FOUND}, (), "completed", {}, 1, (1, 0)),
    # the answer fails a run at the default threshold only: above it, neither the exit code
    # nor the JUnit suite (which failed while the run exited 0)
    (
        "answer found, --fail-on 0.5",
        {**_TESTED, "verdict": _FOUND},
        (),
        "completed",
        {"fail_on": 0.5},
        0,
        (0, 0),
    ),
    (
        "many findings, half below",
        _TESTED,
        (0.1,) * 30 + (0.6,) * 30,
        "completed",
        {"fail_on": 0.5},
        1,
        (30, 0),
    ),
    (
        "more findings than examples",
        _TESTED,
        (0.6,) * 60,
        "completed",
        {"fail_on": 0.5},
        1,
        (51, 0),
    ),
    # more than 32 distinct severities: counted in a histogram (``core.witnesses``)
    (
        "one at --fail-on of many",
        _TESTED,
        (*_SPREAD, 0.5),
        "completed",
        {"fail_on": 0.5},
        1,
        (1, 0),
    ),
    ("all below --fail-on of many", _TESTED, _SPREAD, "completed", {"fail_on": 0.5}, 0, (0, 0)),
    ("at --fail-on", _TESTED, (0.5,), "completed", {"fail_on": 0.5}, 1, (1, 0)),
    ("below --fail-on", _TESTED, (0.4999,), "completed", {"fail_on": 0.5}, 0, (0, 0)),
    ("still running", _TESTED, (), "running", {}, 130, (0, 1)),
    ("interrupted", _TESTED, (), "interrupted", {}, 130, (0, 1)),
    ("failed", _TESTED, (), "failed", {}, 3, (0, 1)),
    ("model gone", _TESTED, (), "model_unavailable", {}, 3, (0, 1)),
    (
        "share above the rule",
        {**_TESTED, "verdict": [{"attribute": "sex", "level": "fail", "fails": True}]},
        (),
        "completed",
        _RULE,
        1,
        (1, 0),
    ),
    (
        "share above the rule, undecided",
        {
            **_TESTED,
            "verdict": [{"attribute": "sex", "level": "fail", "fails": True, "undecided": True}],
        },
        (0.9,),
        "completed",
        _RULE,
        1,
        (1, 0),
    ),
    (
        "share within the rule",
        {**_TESTED, "verdict": [{"attribute": "sex", "level": "pass", "fails": False}]},
        (0.9,),
        "completed",
        _RULE,
        0,
        (0, 0),
    ),
    (
        # (the answer left out: check_fairness(answer=False)): the findings fail the run, as
        # nothing judged the rule; the JUnit suite was green with its exit code 1
        "a rule, no verdict",
        _TESTED,
        (0.9,),
        "completed",
        _RULE,
        1,
        (1, 0),
    ),
    ("a rule, no verdict, nothing found", _TESTED, (), "completed", _RULE, 0, (0, 0)),
    (
        "a rule, and no answer",
        {**_TESTED, "incomplete_reason": "no time for the answer"},
        (0.9,),
        "completed",
        _RULE,
        1,  # what was found fails the run, as the rule could not be judged
        (1, 1),
    ),
]


@pytest.mark.parametrize(
    ("summary", "severities", "status", "config", "code", "junit"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_the_exit_code_junit_and_passed_agree_at_every_edge(
    tmp_path: Path,
    summary: dict[str, Any],
    severities: tuple[float, ...],
    status: str,
    config: dict[str, Any],
    code: int,
    junit: tuple[int, int],
) -> None:
    """Every outcome the rules tell apart, judged three ways (the exit code, the JUnit
    suite, ``result.passed``): a pass is exit 0, a green suite and ``passed``, and nothing
    else is any of them."""
    got, root = _run(tmp_path, summary=summary, severities=severities, status=status, config=config)
    assert got == code
    assert _counts(root) == junit
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        record = store.get_run("r1")
        bad = store.count_at_or_above("r1", float(config.get("fail_on", 0.0)))
        assert passes(record.status, record.summary, record.config, bad) is (code == 0)


def test_an_interrupt_after_the_search_leaves_no_pass_without_the_answer(tmp_path: Path) -> None:
    """Ctrl-C while the fairness answer was computed, after a search that found nothing:
    the run has ended, without its verdict; the run's verdict 2 (not everything was tested),
    not 0; the command exits 130 (left40b: an interrupted command never exits a verdict)."""
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1", technique="fairness", seed=1, command="assay fairness",
            config={"answer": {"enabled": True}}, model={}, versions={},
        )  # fmt: skip
        store.checkpoint("r1", status="completed", summary={"headline": "h", "tested": 10})
    finally:
        store.close()
    code = finish_interrupted(Output(quiet=True), store_path=tmp_path / "runs.db", run_id="r1")
    assert code == 130
    with RunStore(tmp_path / "runs.db", read_only=True) as again:
        assert run_verdict(again, "r1", None).code == 2


def test_a_demonstration_passes_on_its_findings_only() -> None:
    """A demonstration shows bugs: exit 1 becomes 0, and finding none is its failure (0
    becomes 1, left26); nothing tested (2), a model failure (3) and an interrupt (130) keep
    their codes."""
    assert [demo_exit(c) for c in (0, 1, 2, 3, 130)] == [1, 0, 2, 3, 130]


def test_a_command_refused_before_a_run_replaces_an_earlier_green_junit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI publishes the --junit file whatever the exit code: a refused command must leave
    one errored case there, never the passing suite an earlier run wrote."""
    from assay.cli.app import main

    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites name="assay" tests="1" failures="0" errors="0">'
        '<testsuite name="assay.fairness" tests="1" failures="0" errors="0">'
        '<testcase classname="assay.fairness" name="no finding"/></testsuite></testsuites>'
    )
    args = ["fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "0"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db"), "--junit", str(junit)])
    assert exc.value.code == 2, capsys.readouterr()
    assert _counts(ET.parse(junit).getroot()) == (0, 1)
