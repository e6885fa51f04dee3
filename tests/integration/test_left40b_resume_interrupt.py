"""status39's Left 3, end to end: an ``assay resume`` that finishes a run whose search had
ended, interrupted once it began (SIGTERM while it computes the fairness answer), exited with
the run's verdict, and the run said "assay resume exited 1" (or 2): the interrupt read as a
verdict.  Now it exits 130, as ``assay fairness`` interrupted there does, and the run keeps
both: the command's 130 and its own verdict (``finish_interrupted``, left40b)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from test_cli_hostile13a import ENV, SLOW2, _fairness_args, _people, _terminated


def test_a_resume_interrupted_while_it_finishes_a_run_exits_130(tmp_path: Path) -> None:
    (tmp_path / "slow2.py").write_text(SLOW2)
    _people(tmp_path)
    args = _fairness_args("slow2.py:predict", "--max-queries", "100", "--store", "s.db")
    code, _, err = _terminated(tmp_path, *args, after="answer:", wait=0.5)
    assert code == 130, err
    line = err.split("finish it (no new search) with: ", 1)[1].splitlines()[0]
    resume = shlex.split(line)[1:]
    assert resume[0] == "resume", line
    code, _, err = _terminated(tmp_path, *resume, after="answer:", wait=0.5)
    assert code == 130, err  # main: 1, the run's verdict (its findings)
    assert "this command exits 130: it was interrupted" in " ".join(err.split()), err
    report = subprocess.run(
        [sys.executable, "-m", "assay", "report", resume[1], "--store", "s.db", "--report",
         "r.json"], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert report.returncode == 1, report.stderr  # `assay report RUN`: the run's verdict
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["command_exit_code"] == 130, doc["command_exit"]  # main: 1
    assert doc["command_exit"].startswith("assay resume exited 130 (interrupted)")
    assert doc["exit_code"] == 1  # the run's verdict: its findings stand
