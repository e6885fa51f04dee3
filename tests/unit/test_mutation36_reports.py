"""The reports' new parts at the edges mutation36 found untested: a text suite's tests as
cases of the run's own JUnit file (``render_junit``, not ``suite_test_cases`` alone) with
the ``skipped`` count CI reads, and a long subject cut visibly in the suite's name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from assay.report import render_junit
from assay.report.junit_subject import suite_name


def _text_doc(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "run": {
            "id": "text-1",
            "technique": "text",
            "status": "completed",
            "seed": 1,
            "created": 1.0e9,
            "command": "assay text a.py:f --oracle suite",
            "model": {"classifiers": [{"spec": "a.py:f"}]},
            "config": {"oracle": "suite", "grammar": {"source": "g.cfg"}},
            "summary": {"tested": 140, "text": {"tests": tests}},
        },
        "findings": {"total": 0, "examples": []},
        "headline": "no test failures found",
        "schema_version": 2,
    }


def _row(test: str, cases: int, outcome: str, bound: float | None) -> dict[str, Any]:
    return {
        "test": test,
        "cases": cases,
        "failing": 0,
        "failure rate": 0.0 if cases else None,
        "distinct minimal": 0,
        "failure rate below (95 %, none failing)": bound,
        "outcome": outcome,
    }


def test_a_suites_tests_are_cases_of_the_runs_junit_file_and_skips_are_counted() -> None:
    doc = _text_doc(
        [
            _row("line 9: %expect pos -> pos", 120, "no failure found", 0.0247),
            _row("line 10: %expect neg -> neg", 12, "too few cases to tell", 0.2209),
            _row("line 11: %invariant thing", 0, "not tested", None),
        ]
    )
    suite = ET.fromstring(render_junit(doc)).find("testsuite")
    assert suite is not None
    names = [c.get("name") for c in suite.iter("testcase")]
    assert "test line 9: %expect pos -> pos" in names
    assert "test line 11: %invariant thing" in names
    assert suite.get("skipped") == "2"
    assert suite.get("tests") == str(len(names))


def test_a_long_subject_is_cut_and_says_so() -> None:
    spec = "/ci/" + "x" * 400 + "/model.onnx"
    name = suite_name({"technique": "fairness", "model": {"spec": spec}, "config": {}})
    assert name.startswith("assay.fairness [/ci/xxx") and name.endswith("...]")
    assert len(name) == len("assay.fairness []") + 200


def _verdict_doc(total: int, above: int, status: str = "completed", **run: Any) -> dict[str, Any]:
    summary = run.pop("summary", {"tested": 100})
    return {
        "run": {
            "id": "fairness-1",
            "technique": "fairness",
            "status": status,
            "command": "assay fairness m.joblib --data d.csv --protected sex",
            "config": run.pop("config", {"fail_on": 0.0}),
            "summary": summary,
            **run,
        },
        "findings": {"total": total, "at_or_above_fail_on": above, "examples": []},
    }


def test_the_verdict_of_a_stalled_run_says_its_process_is_gone() -> None:
    from assay.report import render_html
    from assay.report.verdict_text import run_verdict_text

    doc = _verdict_doc(3, 3, status="running", stalled=True)
    said = run_verdict_text(doc)
    assert said == (  # (report46b: its findings so far beside)
        "none yet: the run has not ended (stalled: its process is gone); its findings so far: "
        "3 at or above --fail-on 0"
    ), said
    page = render_html(doc)
    assert "<td>stalled</td>" in page.replace('class="status"', "").replace(" >", ">") or (
        ">stalled<" in page
    )
    assert ">running<" not in page


def test_a_run_that_tested_nothing_is_no_pass_whatever_it_stored() -> None:
    from assay.report.verdict_text import run_verdict_text

    doc = _verdict_doc(3, 3, summary={"tested": 0, "untested_reason": "one answer"})
    assert run_verdict_text(doc) == "not a pass: nothing was tested"


def test_a_run_within_its_share_rule_that_did_not_test_everything_is_no_pass() -> None:
    """Judged by a rule on the share (``failing == []``), its findings are no failure: a run
    that did not test everything is "not a pass" for that, never "fails: N findings"."""
    from assay.report.verdict_text import run_verdict_text

    row = {"attribute": "sex", "level": "found", "basis": "sampled"}
    doc = _verdict_doc(
        40,
        40,
        config={"fail_on": 0.0, "answer": {"fail_on": "share>0.2"}},
        summary={"tested": 9, "verdict": [row], "incomplete_reason": "the budget ended it"},
    )
    assert run_verdict_text(doc) == "not a pass: not everything was tested"


def test_the_answers_discrimination_fails_a_run_of_no_stored_finding() -> None:
    """``--fail-on 0`` (the default): the answer's 'found' fails the run though it stored no
    finding (a fairness answer counted without storing), as its exit code 1 says."""
    from assay.report.verdict_text import run_verdict_text

    row = {"attribute": "race", "level": "found", "basis": "exact"}
    doc = _verdict_doc(0, 0, summary={"tested": 50, "verdict": [row]})
    assert run_verdict_text(doc) == "fails: the answer found discrimination on race"


def test_a_share_rules_run_that_did_not_test_everything_exits_2_not_0(tmp_path: Any) -> None:
    """A fairness run judged by ``--fail-on 'share>0.2'``, its shares within the rule, whose
    search did not test everything (``incomplete_reason``), with findings stored: its
    findings fail nothing (the rule judges), so "part not tested" stands: exit 2.  Before
    mutation36 the findings cleared it as if they failed the run, and the rule then gave 0."""
    import numpy as np

    from assay.cli.verdict import EXIT_UNTESTED, run_verdict, verdict_line
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=3,
        command="assay fairness m.joblib --fail-on share>0.2",
        config={"fail_on": 0.0, "answer": {"fail_on": "share>0.2"}}, model={}, versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="fairness-idi",
        inputs=np.asarray([[[1, 0]], [[2, 0]]]),
        outputs=np.asarray([[0, 1], [1, 0]]),
        severity=np.asarray([1.0, 1.0]),
    )
    row = {"attribute": "sex", "level": "found", "basis": "sampled"}
    summary = {"tested": 9, "verdict": [row], "incomplete_reason": "the search asked no query"}
    store.checkpoint("fairness-1", findings=[batch], status="completed", summary=summary)
    verdict = run_verdict(store, "fairness-1")
    assert verdict.code == EXIT_UNTESTED, verdict
    assert "NOT EVERYTHING WAS TESTED" in verdict_line(verdict, "completed")
    store.close()


def test_a_stalled_runs_own_headline_says_its_process_is_gone(tmp_path: Any) -> None:
    """A run killed after a checkpoint whose summary had a headline: the report adds why it
    did not finish (its process is gone), not "had not finished when this report was made"."""
    import numpy as np

    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore
    from assay.report import build_document

    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="text-1", technique="text", seed=3, command="assay text a.py:f b.py:g --seed 3",
        config={}, model={}, versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="text-differential",
        inputs=np.asarray([["the food was awful."]]),
        outputs=np.asarray([[0.0, 1.0]]),
        severity=np.asarray([1.0]),
    )
    summary = {"headline": "1 disagreement found in 40 queries", "tested": 40}
    store.checkpoint("text-1", findings=[batch], progress={"queries": 40}, summary=summary)
    store.give_up("text-1")  # (as a kill leaves it)
    headline = build_document(store, "text-1")["headline"]
    assert headline.startswith("1 disagreement found in 40 queries; "), headline
    assert "its process is gone" in headline and "had not finished" not in headline, headline
    store.close()


def test_a_backdoor_summarys_class_names_name_the_html_findings() -> None:
    """The backdoor summary keeps the model's class names (``summary.class_names``); a
    stored model without them in its capabilities is named by those."""
    import html
    import re

    from assay.report import render_html

    image = [[[0.0]] * 4] * 4
    names = ["cat", "dog", "eel"]
    finding = {
        "index": 0, "kind": "backdoor-trigger", "severity": 1.0, "inputs": [image],
        "outputs": [2], "details": {"target": 2, "box": [0, 0, 2, 2]},
    }  # fmt: skip
    doc = {
        "schema_version": 2,
        "headline": "1 of 1 images carry a confirmed trigger",
        "run": {
            "id": "backdoor-1", "technique": "backdoor", "status": "completed", "seed": 1,
            "model": {"capabilities": {"modality": "image", "n_classes": 3}},
            "summary": {"class_names": names},
        },
        "findings": {"total": 1, "max_severity": 1.0, "order": "severity", "examples": [finding]},
    }  # fmt: skip
    page = render_html(doc)
    part = page[page.index("<h2>Findings") : page.index("<summary>JSON")]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))
    assert "target eel" in text and "target 2" not in text, text


def test_a_junit_file_of_no_run_gives_the_seed_typed_last_before_a_double_dash() -> None:
    from assay.cli import leftover

    try:
        leftover.typed(["fairness", "m.joblib", "--seed=7"])
        assert dict(leftover._typed_properties(None))["seed"] == "7"
        leftover.typed(["fairness", "m.joblib", "--seed", "3", "--seed", "8"])
        assert dict(leftover._typed_properties(None))["seed"] == "8"
        leftover.typed(["text", "a.py:f", "--", "--seed", "5"])
        assert "seed" not in dict(leftover._typed_properties(None))
    finally:
        leftover.typed([])
