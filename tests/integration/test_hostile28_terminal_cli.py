"""A data set whose column names and categories hold terminal escape sequences: every line
``assay fairness`` and ``assay show`` print shows them as escapes (they set the terminal's
title and cleared the screen), and the printed command, pasted, runs the same run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

register()
runner = CliRunner()

COLUMN = "\x1b]0;pwned\x07sex"


def _data(tmp_path: Path) -> list[str]:
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            COLUMN: rng.choice(["F\x1b[2J", "M\u202egnp.exe", "X\x9b31m"], n),
        }
    )
    frame.to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "m.py").write_text(
        "def predict(X):\n"
        "    return (X.iloc[:, 1].astype(str).str.startswith('F')).to_numpy().astype(int)\n",
        encoding="utf-8",
    )
    return [
        "fairness",
        f"{tmp_path}/m.py:predict",
        "--data",
        str(tmp_path / "people.csv"),
        "--protected",
        COLUMN,
        "--max-queries",
        "300",
        "--seed",
        "3",
        "--store",
        str(tmp_path / "runs.db"),
    ]


def _unsafe_in(text: str) -> list[str]:
    return [c for c in ("\x1b", "\x07", "\u202e", "\x9b", "\r") if c in text]


def test_every_line_escapes_a_hostile_column_and_its_values(tmp_path: Path) -> None:
    result = runner.invoke(app, _data(tmp_path))
    assert result.exit_code == 1, result.output
    assert _unsafe_in(result.output) == []
    assert "\\x1b]0;pwned\\x07sex" in result.output  # shown, as an escape
    assert "M\\u202egnp.exe" in result.output
    run_id = result.output.split("run ", 1)[1].split(",", 1)[0]
    for args in (["show", run_id], ["runs"]):
        shown = runner.invoke(app, [*args, "--store", str(tmp_path / "runs.db")])
        assert shown.exit_code in (0, 1), shown.output
        assert _unsafe_in(shown.output) == [], args


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_printed_command_runs_pasted_into_bash(tmp_path: Path) -> None:
    result = runner.invoke(app, _data(tmp_path))
    assert result.exit_code == 1, result.output
    command = result.output.split("to reproduce: ", 1)[1].splitlines()[0]
    assert "--protected $'\\x1b]0;pwned\\x07sex'" in command
    again = subprocess.run(
        ["bash", "-c", f'assay() {{ "{sys.executable}" -m assay "$@"; }}; {command}'],
        capture_output=True,
        text=True,
        # (this checkout's assay, whatever the directory)
        env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        cwd=tmp_path,
        timeout=300,
    )
    assert again.returncode == 1, again.stderr
    headline = next(x for x in result.output.splitlines() if "discriminatory inputs found" in x)
    assert headline.split(" in ")[0] in again.stdout  # the same count, for the same column
    assert _unsafe_in(again.stdout + again.stderr) == []
