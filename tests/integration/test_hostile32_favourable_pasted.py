"""The note on a favourable class chosen by position ends with the option that names the
other: "if 'low risk' is the unfavourable outcome (a default, a risk), pass --favourable high
risk".  Pasted, the shell reads ``--favourable high`` and a stray ``risk`` (exit 2); a class
``>50K`` would have redirected the output to a file.  The class is written as the shell
reads it back, and the option so pasted names the class."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
MODEL = (
    "import numpy as np\n"
    "def risk(rows):\n"
    "    rows = np.asarray(rows, dtype=object)\n"
    "    return np.where((rows[:, 1] == 'M') & (rows[:, 2].astype(float) > 600),\n"
    "                    'high risk', 'low risk')\n"
    "risk.classes_ = ['high risk', 'low risk']\n"
)


def test_the_suggested_favourable_option_works_pasted(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(MODEL, encoding="utf-8")
    lines = ["age,sex,score"] + [
        f"{20 + i % 40},{'MF'[i % 2]},{550 + (i * 7) % 100}" for i in range(120)
    ]
    (tmp_path / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = [
        "fairness",
        f"{tmp_path}/model.py:risk",
        "--data",
        str(tmp_path / "people.csv"),
        "--protected",
        "sex",
        "--max-queries",
        "2000",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
    ]
    first = CliRunner().invoke(app, common)
    assert first.exit_code == 1, first.output
    said = re.search(r"pass (--favourable .*)$", first.output, re.MULTILINE)
    assert said, first.output
    option = shlex.split(said.group(1))
    assert option == ["--favourable", "high risk"], said.group(1)
    again = CliRunner().invoke(app, [*common, *option])
    assert again.exit_code == 1, again.output
    assert "named by the user" in again.output or "pass --favourable" not in again.output
