"""A fairness run whose model failed in its answer (exit 3) says its model failed there, not
that it "was interrupted after its search ended" (left37b's Left 2: on main the interrupt's
words stood beside the failed command's exit 3); an interrupt there (exit 130) keeps the
interrupt's words; the failed run, its model answering again, is finished by its resume."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.answer_missing import ANSWER_MISSING
from assay.core.store import RunStore

register()

# answers the search's small batches, then, while the flag file is there, raises (or is
# interrupted) at the answer's first large batch
MODEL = """import signal
import numpy as np
from pathlib import Path
FLAG = Path(__file__).with_name("flag")
def f(rows):
    if len(rows) >= 500 and FLAG.exists():
        if FLAG.read_text() == "interrupt":
            signal.raise_signal(signal.SIGINT)  # (a Ctrl-C, as the user's)
        raise RuntimeError("down")
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 1] == "M") & (rows[:, 2].astype(float) > 38)).astype(int)
"""


def _run(tmp_path: Path, flag: str | None) -> tuple[int, str, str, str]:
    """A tiny run (200 queries, 60 rows) of ``MODEL``; ``flag``: how its answer fails (None:
    it does not)."""
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    if flag is not None:
        (tmp_path / "flag").write_text(flag, encoding="utf-8")
    lines = ["age,sex,hours"]
    lines += [f"{20 + i % 40},{'MF'[i % 2]},{20 + (i * 7) % 40}" for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.db")
    res = CliRunner().invoke(
        app,
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1", "--store", store),
        ],
    )
    run_id = RunStore(store).list_runs()[0].id
    return res.exit_code, res.output, store, run_id


def test_a_model_failing_in_the_answer_is_said_a_failure_and_resumed(tmp_path: Path) -> None:
    code, output, store, run_id = _run(tmp_path, "fail")
    said = " ".join(output.split())
    assert code == 3, said
    assert "NOT EVERYTHING WAS TESTED: the run's model failed after its search ended" in said
    assert "interrupted" not in said
    reason = RunStore(store).get_run(run_id).summary["incomplete_reason"]
    assert reason.startswith("the run's model failed after its search ended")
    (tmp_path / "flag").unlink()  # the model answers again: its resume computes the answer
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    assert res.exit_code == 1, res.output  # (found: fails the run, its answer computed)
    summary = RunStore(store).get_run(run_id).summary
    assert "verdict" in summary and not summary.get("incomplete_reason")


def test_an_interrupt_in_the_answer_keeps_the_interrupts_words(tmp_path: Path) -> None:
    code, output, store, run_id = _run(tmp_path, "interrupt")
    said = " ".join(output.split())
    assert code != 3, said  # (the command line's 130; CliRunner's own catch says 1)
    assert "the run was interrupted after its search ended" in said
    assert RunStore(store).get_run(run_id).summary["incomplete_reason"] == ANSWER_MISSING


def test_a_fairness_runs_rerun_command_has_no_default_keep_findings(tmp_path: Path) -> None:
    """left37's Left 3 (``test_words37_keep_findings_rerun``): on main the rerun command
    ended in ``--keep-findings 100000``, the default."""
    code, output, store, _ = _run(tmp_path, None)
    again = next(s for s in output.splitlines() if "to reproduce:" in s)
    assert code == 1 and "--keep-findings" not in again, again
    run = RunStore(store).list_runs()[0]
    assert "--keep-findings" not in run.command and run.config["keep_findings"] == "100000"
