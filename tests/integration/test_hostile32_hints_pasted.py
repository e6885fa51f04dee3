"""The options assay's messages suggest work pasted, whatever the user's column is called.
Column names with a space were written bare ("set them aside (--drop signup date)", "test it
by bins ...: --protected credit score:bins=580,640,700"): pasted, the shell split them and
the command failed (exit 2) on the suggestion itself.  ``_set_aside`` already quoted its
column; the other hints (``--drop``, ``--protected``, ``--label``, ``--classes``, ``assay
runs --store`` after a salvage) now do too."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
MODEL = (
    "import numpy as np\n"
    "def f(rows):\n"
    "    rows = np.asarray(rows, dtype=object)\n"
    "    return (rows[:, 0].astype(float) > 40).astype(int)\n"
    "f.classes_ = ['no', 'yes']\n"
)


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, " ".join(result.output.split())  # (a long line wrapped)


def _suggested(option: str, said: str) -> list[str]:
    """The option as the message gives it, split as a shell splits it."""
    found = re.search(rf"({option} (?:'[^']*'|\S+?))[);\s]", said)
    assert found, said
    return shlex.split(found.group(1))


def test_a_suggested_drop_of_a_spaced_column_works_pasted(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "features:\n  - {name: age, type: integer, low: 18, high: 80}\n"
        "  - {name: sex, type: categorical, categories: [F, M]}\nprotected: [sex]\n",
        encoding="utf-8",
    )
    rows = ["age,sex,signup date"] + [
        f"{20 + i},{'FM'[i % 2]},2024-01-{1 + i % 28:02d}" for i in range(40)
    ]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = [
        "fairness", f"{tmp_path}/m.py:f", "--schema", str(tmp_path / "s.yaml"),
        "--data", str(tmp_path / "d.csv"), "--protected", "sex", "--max-queries", "500",
        "--store", str(tmp_path / "runs.db"),
    ]  # fmt: skip
    code, said = _run(base)
    assert code == 2, said
    option = _suggested("--drop", said)
    assert option == ["--drop", "signup date"], said
    code, said = _run([*base, *option])
    assert code in (0, 1), said


def test_suggested_bins_of_a_spaced_column_work_pasted(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    rows = ["age,credit score"] + [f"{20 + i},{550.5 + 3.25 * i}" for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = [
        "fairness", f"{tmp_path}/m.py:f", "--data", str(tmp_path / "d.csv"),
        "--max-queries", "500", "--store", str(tmp_path / "runs.db"),
    ]  # fmt: skip
    code, said = _run([*base, "--protected", "credit score"])
    assert code == 2, said
    option = _suggested("--protected", said)
    assert option[0] == "--protected" and option[1].startswith("credit score:bins="), said
    code, said = _run([*base, *option])
    assert code in (0, 1), said
