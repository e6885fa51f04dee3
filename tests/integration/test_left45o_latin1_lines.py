"""A run whose words an ISO-8859-1 terminal cannot show (a folder, a model, columns and a
label named in Chinese, the run started in a UTF-8 terminal), shown and resumed there
(left45o).

Before, ``assay show RUN`` there ended on an internal error (exit 5: the run's folder could
not be encoded to compare it with the working one), and the lines that printed escaped
each character (``--label '\\u6536\\u5165'``): pasted, assay was given those backslashes.
Now the lines give each such word as its UTF-8 bytes (``$'\\xe6\\x94\\xb6...'``) after
``PYTHONUTF8=1``: pasted into bash in that terminal, the run is made again with the same
words and the same findings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore

SRC = str(Path(assay.__file__).parents[1])
MODEL = """
import numpy as np
import pandas as pd
classes_ = np.array(["低", "高"])
def predict(X):
    X = pd.DataFrame(X)
    return np.where((X["年龄"].astype(float) > 60) & (X["性别"] == "男"), "高", "低")
predict.classes_ = classes_
"""


def _latin1_locale(folder: Path) -> dict[str, str] | None:
    """The environment of a terminal in a real ISO-8859-1 locale (built by ``localedef``),
    or None where it cannot be built."""
    if shutil.which("localedef") is None or not Path("/usr/share/i18n/locales/fr_FR").exists():
        return None
    made = subprocess.run(
        ["localedef", "-i", "fr_FR", "-f", "ISO-8859-1", str(folder / "fr_FR.ISO-8859-1")],
        capture_output=True, timeout=120,
    )  # fmt: skip
    if made.returncode not in (0, 1) or not (folder / "fr_FR.ISO-8859-1").exists():
        return None
    return {"PATH": os.environ["PATH"], "LOCPATH": str(folder), "LC_ALL": "fr_FR.ISO-8859-1",
            "PYTHONPATH": SRC, "HOME": os.environ.get("HOME", str(folder))}  # fmt: skip


def test_a_run_named_in_chinese_shown_in_a_latin1_terminal_pastes_as_the_command_that_ran(
    tmp_path: Path,
) -> None:
    env = _latin1_locale(tmp_path)
    if env is None:
        pytest.skip("no localedef or fr_FR locale source to build an ISO-8859-1 locale")
    here = tmp_path / "数据"
    here.mkdir()
    rows = ["年龄,性别,小时,收入"] + [
        f"{18 + 7 * i % 62},{'男' if i % 2 else '女'},{10 + 3 * i % 50},{'高' if i % 3 else '低'}"
        for i in range(200)
    ]
    (here / "人.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (here / "模型.py").write_text(MODEL, encoding="utf-8")
    args = ["fairness", "模型.py:predict", "--data", "人.csv", "--protected", "性别",
            "--label", "收入", "--max-queries", "300", "--seed", "1",
            "--store", str(here / "s.db")]  # fmt: skip
    utf8 = {**os.environ, "PYTHONPATH": SRC, "LC_ALL": "C.UTF-8"}
    first = subprocess.run(
        [sys.executable, "-m", "assay", *args], cwd=here, env=utf8,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert first.returncode == 1, first.stderr
    with RunStore(here / "s.db", read_only=True) as store:
        (run,) = store.list_runs()
    shown = subprocess.run(
        [sys.executable, "-m", "assay", "show", run.id, "--store", str(here / "s.db")],
        cwd=tmp_path, env=env, capture_output=True, timeout=300,
    )  # fmt: skip
    out = shown.stdout.decode("latin-1")
    assert shown.returncode == 0, (out, shown.stderr.decode("latin-1"))
    # (its files are there: not "gone", which every file this locale cannot name was said to be)
    assert "is gone" not in out and "cannot name them" in out, out
    line = next(x for x in out.splitlines() if "to reproduce: " in x).split("to reproduce: ")[1]
    assert line.isascii() and "\\u" not in line and "PYTHONUTF8=1" in line, line
    # pasted into bash in that terminal: the same words, the same findings
    again = subprocess.run(
        ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, timeout=300
    )
    assert again.returncode == 1, again.stderr.decode("latin-1")
    with RunStore(here / "s.db", read_only=True) as store:
        second, first_run = store.list_runs()
    assert first_run.id == run.id
    assert second.command.replace(" --optimize queries", "") == run.command
    assert second.n_findings == run.n_findings > 0
