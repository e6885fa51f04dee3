"""What ``cli.reporting.finish_run`` prints under a rule on the share (mutation48): a run
interrupted after its answer judged the rule says the rule's answer so far in its verdict
line, never "above --fail-on 'share>0.1': sex (exit 1)" beside the exit 130 it ends with;
the same run ended says it (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.console import Output
from assay.cli.reporting import finish_run
from assay.core.store import RunStore

RULE = "share>0.1"
ABOVE = "above --fail-on 'share>0.1': sex (exit 1)"


def _run(path: Path, status: str) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="fairness-1", technique="fairness", seed=0, command="assay fairness m.py",
            config={"answer": {"fail_on": RULE}}, model={}, versions={},
        )  # fmt: skip
        verdict = [{"attribute": "sex", "fails": True, "share": 0.2}]
        store.checkpoint(
            "fairness-1", status=status, progress={},
            summary={"headline": "5 found", "verdict": verdict},
        )  # fmt: skip


@pytest.mark.parametrize("status", ["interrupted", "completed"])
def test_the_rules_failure_is_said_with_exit_1_only_of_an_ended_run(
    tmp_path: Path, status: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.db"
    _run(path, status)
    with RunStore(path) as store:
        code = finish_run(Output(), store=store, run_id="fairness-1")
    said = capsys.readouterr().out
    if status == "completed":
        assert code == 1 and ABOVE in said, said
    else:
        assert code == 130 and ABOVE not in said, said
        assert "its answer: above --fail-on 'share>0.1' on sex" in said, said
