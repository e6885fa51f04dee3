"""What the reports say of a rule on the share and of a store that failed (mutation48): the
HTML's, the JUnit's and the report document's words read from planted documents, each a
line the forty-sixth session changed and no test read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.core.store import RunStore
from assay.report import build_document
from assay.report.html import _fairness, _status_shown
from assay.report.verdict_text import _verdict_text, found_so_far_text


def test_the_htmls_level_writes_the_rule_quoted_to_paste() -> None:
    summary = {"verdict": [{"attribute": "sex", "share": 0.2}], "fail_on": "share>0.1"}
    assert _fairness(summary, {})["fail_on"] == "--fail-on 'share>0.1'"
    assert _fairness({**summary, "fail_on": None}, {})["fail_on"] is None


def test_the_htmls_status_says_a_failed_store_and_a_stalled_run() -> None:
    assert _status_shown({"status": "running", "stalled": True, "store_failed": True}) == (
        "store failed"
    )
    assert _status_shown({"status": "running", "stalled": True}) == "stalled"
    assert _status_shown({"status": "running", "stalled": False}) == "running"
    assert _status_shown({"status": "model_unavailable"}) == "model_unavailable"


def _running(path: Path) -> RunStore:
    store = RunStore(path)
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=0, command="assay fairness m.py",
        config={}, model={}, versions={},
    )  # fmt: skip
    store.checkpoint("fairness-1", status="running", progress={}, summary={"headline": "5 found"})
    return store


def test_the_documents_verdict_says_the_store_failed_in_words(tmp_path: Path) -> None:
    store = _running(tmp_path / "runs.db")
    try:
        doc = build_document(store, "fairness-1", store_failed="database or disk is full")
        plain = build_document(store, "fairness-1")
    finally:
        store.close()
    run = doc["run"]
    assert run["store_failed"] is True and run["error"] == "database or disk is full"
    assert doc["verdict"] == (
        "the run's verdict: the run is stopped by its store's failure: it has not ended (exit 130)"
    )
    assert "store_failed" not in plain["run"]
    assert plain["verdict"].startswith("the run's verdict: the run is running"), plain["verdict"]


def _doc(status: str, config: dict[str, Any], summary: dict[str, Any], **findings: Any) -> Any:
    run = {"status": status, "config": config, "summary": summary, "command": "assay fairness m"}
    return {"run": run, "findings": findings}


RULE = {"answer": {"fail_on": "share>0.1"}}


def test_the_htmls_verdict_of_a_run_whose_store_failed() -> None:
    doc = _doc("running", {}, {}, total=0)
    doc["run"]["store_failed"] = doc["run"]["stalled"] = True
    assert _verdict_text(doc) == "none yet: the run has not ended (its store failed)"
    doc["run"]["store_failed"] = False
    assert _verdict_text(doc) == "none yet: the run has not ended (stalled: its process is gone)"


def test_the_htmls_verdict_of_a_rule_never_judged_with_nothing_found() -> None:
    summary = {"incomplete_reason": "the answer was cut by --max-time"}
    said = _verdict_text(_doc("completed", RULE, summary, total=0, at_or_above_fail_on=0))
    assert said == (
        "not a pass: not everything was tested; --fail-on 'share>0.1' not judged: it judges "
        "the answer's share, which the run has not computed (resuming the run computes it)"
    )


def test_the_findings_so_far_count_those_at_or_above_the_threshold() -> None:
    config = {"fail_on": 0.5}
    at = found_so_far_text(_doc("interrupted", config, {}, total=5, at_or_above_fail_on=3))
    assert at == "its findings so far: 3 at or above --fail-on 0.5"
    counted = found_so_far_text(_doc("interrupted", config, {}, total=5))
    assert counted == "its findings so far: 5 at or above --fail-on 0.5"
    found = {"verdict": [{"attribute": "sex", "level": "found"}]}
    by_answer = found_so_far_text(_doc("interrupted", {}, found, total=0, at_or_above_fail_on=0))
    assert by_answer == "its answer so far found discrimination on sex"


def test_the_documents_exit_words_say_a_rule_never_judged(tmp_path: Path) -> None:
    config = {
        "answer": {"fail_on": "share>0.1"},
        "command_exit": {"code": 1, "command": "fairness"},
    }
    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="fairness-1", technique="fairness", seed=0, command="assay fairness m.py",
            config=config, model={}, versions={},
        )  # fmt: skip
        store.checkpoint("fairness-1", status="completed", progress={}, summary={"headline": "x"})
        doc = build_document(store, "fairness-1")
    # (no finding stored: the verdict as stored is 0, said beside it)
    assert str(doc["command_exit"]).startswith(
        "assay fairness exited 1 (--fail-on 'share>0.1' not judged: its findings in its place)"
    ), doc["command_exit"]
