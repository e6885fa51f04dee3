"""A run its model failed (exit 3) prints "once the problem is fixed, continue with: assay
resume RUN ...".  The fix most often made is to the model's own code or file, and the resume
then refused it as another model ("the model file ... changed since run ... started ...
pass --force"): the printed line failed as printed, in the case it was printed for.  The run
now says so beside the line: a changed model file needs --force (or a new run)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
BROKEN = (
    "import numpy as np\n"
    "def f(rows):\n"
    "    rows = np.asarray(rows, dtype=object)\n"
    "    if len(rows) > 2 and rows[0, 0] > 0:\n"
    "        raise ValueError('a bug in the model')\n"
    "    return (rows[:, 1] == 'M').astype(int)\n"
    "f.classes_ = ['no', 'yes']\n"
)


def test_a_run_its_model_failed_says_a_fixed_model_file_needs_force(tmp_path: Path) -> None:
    model = tmp_path / "m.py"
    model.write_text(BROKEN, encoding="utf-8")
    rows = ["age,sex"] + [f"{20 + i},{'FM'[i % 2]}" for i in range(40)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(
        app,
        [
            "fairness", f"{model}:f", "--data", str(tmp_path / "d.csv"), "--protected", "sex",
            "--max-queries", "2000", "--seed", "1", "--store", str(tmp_path / "runs.db"),
        ],
    )  # fmt: skip
    said = " ".join(first.output.split())
    assert first.exit_code == 3, said
    line = re.search(r"continue with: (assay resume \S+ --store \S+)", said)
    assert line, said
    assert "m.py" in said and "--force" in said, said  # said before it is needed
    model.write_text(BROKEN.replace("raise ValueError('a bug in the model')", "pass"))
    pasted = shlex.split(line.group(1))[1:]
    refused = runner.invoke(app, pasted)
    assert refused.exit_code == 2 and "--force" in refused.output, refused.output
    resumed = runner.invoke(app, [*pasted, "--force"])
    assert resumed.exit_code == 1, resumed.output  # the fixed model's discrimination found
