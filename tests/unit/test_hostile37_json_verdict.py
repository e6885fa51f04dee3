"""A run's ``--json`` result carries its exit code and verdict line.  On main it held the
counts alone (``findings``, ``at_or_above_threshold``, ``untested``), which contradict the exit
code a CI step gates on: ``assay text --demo --json`` exited 0 with
``at_or_above_threshold`` 70 (a demonstration passes by finding its bugs), and a JSON reader
could not tell "nothing was tested" (exit 2) from a run that stopped (130) or failed (3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()

ROWS = ["age,sex,hours", "30,M,40", "50,F,20", "40,M,45", "25,F,50", "60,M,30", "35,F,38"]


def _run(args: list[str]) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(app, [*args, "--json"])
    return res.exit_code, json.loads(res.stdout)


def test_a_demonstrations_json_says_exit_0_beside_its_findings(tmp_path: Path) -> None:
    code, doc = _run(
        ["text", "--demo", "--max-queries", "120", "--seed", "1", "--store", str(tmp_path / "s.db")]
    )
    assert code == 0
    assert doc["at_or_above_threshold"]  # its findings: what it demonstrates
    assert doc["exit_code"] == 0
    assert doc["verdict"] == "the demonstration found the bugs it demonstrates (exit 0)"


@pytest.mark.parametrize(
    ("body", "expected", "said"),
    [
        ("np.zeros(len(rows), dtype=int)", 2, "NOTHING WAS TESTED: "),
        ("(rows[:, 1] == 'M').astype(int)", 1, "findings at or above --fail-on 0 (exit 1)"),
    ],
)
def test_a_fairness_runs_json_says_its_exit_code(
    tmp_path: Path, body: str, expected: int, said: str
) -> None:
    model = "import numpy as np\ndef f(rows):\n    rows = np.asarray(rows, dtype=object)\n"
    model += f"    return {body}\n"
    (tmp_path / "m.py").write_text(model, encoding="utf-8")
    (tmp_path / "d.csv").write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    code, doc = _run(
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1"),
            *("--store", str(tmp_path / "s.db")),
        ]
    )
    assert code == expected
    assert doc["exit_code"] == expected
    assert said in str(doc["verdict"])
    assert str(doc["verdict"]).endswith(f"(exit {expected})")
