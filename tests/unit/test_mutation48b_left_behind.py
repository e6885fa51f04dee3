"""mutation48b: what a failed command says of the run it made (``cli.app._left_behind``),
each by the kind of failure and the status its store holds.

Survivors of mutation48 each of these kills: APP2 (any failure, not only the store's, said
"stopped when its store failed" and handed the document a store failure), APP3 (said of a
run that had ended), APP5 (a usage error of a run still going told to "fix the problem in a
new run", its resume line dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.app import _left_behind
from assay.core.store import RunStore, new_run_id

STORE_WORDS = "stopped when its store failed"


def _run(path: Path, status: str | None) -> str:
    """A fairness run made in a real store at ``path``, left at ``status`` (None: running),
    made by this command (``leftover``), as ``guarded`` finds it when the command fails."""
    run_id = new_run_id("fairness")
    with RunStore(path) as store:
        store.create_run(
            run_id=run_id, technique="fairness", seed=3, command="fairness m.py:f",
            config={}, model={}, versions={},
        )  # fmt: skip
        if status is not None:
            store.checkpoint(run_id, status=status)
    leftover.forget("fairness")
    leftover.started(run_id, path)
    leftover.began()
    return run_id


def _said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str | None, kind: str, msg: str
) -> tuple[str, str]:
    run_id = _run(tmp_path / "s.db", status)
    try:
        code = _left_behind("fairness", {"junit": str(tmp_path / "j.xml")}, 3, kind, msg)
    finally:
        leftover.forget()
    assert code == 3
    out = capsys.readouterr().out
    assert f"run {run_id}" in out
    return out, (tmp_path / "j.xml").read_text()


def test_a_model_failure_of_a_running_run_is_not_said_a_store_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, junit = _said(tmp_path, capsys, None, "model_error", "the model raised: boom")
    assert STORE_WORDS not in out and "store failed" not in junit, (out, junit)
    assert "once the problem is fixed, continue with: assay resume" in out, out


def test_a_store_failure_of_a_running_run_is_said_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # (the case the words are for: the test above can fail)
    out, junit = _said(tmp_path, capsys, None, "store_error", "s.db: disk I/O error")
    assert STORE_WORDS in out and "store failed" in junit, (out, junit)


def test_a_store_failure_after_the_run_ended_says_the_runs_own_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _said(tmp_path, capsys, "completed", "store_error", "s.db: disk I/O error")
    assert STORE_WORDS not in out, out
    assert "completed" in out.splitlines()[0], out


def test_a_usage_error_of_a_run_still_going_gives_its_resume_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _said(tmp_path, capsys, None, "usage_error", "--export: cannot write x.csv")
    assert "fix the problem in a new run" not in out, out
    assert "once the problem is fixed, continue with: assay resume" in out, out


def test_a_usage_error_of_a_failed_run_says_a_new_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # (the words' own case)
    out, _ = _said(tmp_path, capsys, "failed", "usage_error", "--protected: no column 'sx'")
    assert "fix the problem in a new run" in out, out
