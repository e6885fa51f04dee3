"""The retrained model's "test it again with:" line is a command to paste.

Before, it read ``assay fairness .../retrained.skops --trust sklearn.tree._tree.Tree and the
run's other options``: pasted, it failed (no data, no protected attribute).  It is now the
run's own rerun line with the retrained file in the model's place.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from assay.cli.reporting import retest_command


def test_the_runs_options_are_kept_and_the_retrain_options_dropped() -> None:
    line = retest_command(
        "assay fairness m.joblib --data 'my data.csv' --allow-pickle --trust a.B "
        "--trust=c.D --retrain --seed 3",
        "/x/r.skops",
        ["--trust", "T"],
    )
    assert line == "assay fairness /x/r.skops --trust T --data 'my data.csv' --seed 3"


def test_a_command_not_read_as_a_fairness_run_gives_no_line() -> None:
    assert retest_command("assay text a b", "/x/r.skops", []) is None
    assert retest_command("assay fairness 'unclosed", "/x/r.skops", []) is None


def test_the_printed_line_runs_pasted_in_another_folder(tmp_path: Path) -> None:
    run_dir, other = tmp_path / "run", tmp_path / "elsewhere"
    run_dir.mkdir()
    other.mkdir()
    env = {**os.environ, "ASSAY_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "assay", "fairness", "builtin:tree", "--dataset", "german"]
    cmd += ["--protected", "sex", "--retrain", "--max-queries", "3000", "--seed", "3"]
    first = subprocess.run(cmd, cwd=run_dir, env=env, capture_output=True, text=True)
    assert first.returncode == 1, first.stderr
    said = [ln for ln in first.stdout.splitlines() if "test it again with: " in ln]
    assert said, first.stdout
    line = said[0].split("test it again with: ", 1)[1]
    assert "other options" not in line and "--retrain" not in line
    assert "--dataset german" in line and "--protected sex" in line
    words = shlex.split(line)
    words[0] = "assay"  # the program as this test runs it
    again = subprocess.run(
        [sys.executable, "-m", *words], cwd=other, env=env, capture_output=True, text=True
    )
    assert again.returncode in (0, 1), again.stderr
    assert "retrained.skops" in again.stdout
