"""A model that exits (``os._exit``, ``sys.exit``) on a LATER call, mid-run, is named as one
exiting on its first call is (left50b; left50's Left 1): it was "the model called os._exit(1)"
(``CheckedModel`` made the call without the function's name); the exit code (3), the run's
findings and the printed resume line are as they were."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import test_model_exits as exits

work = exits.work  # (its fixture: m.py's models exiting after EXIT_AFTER calls, the data)


def test_a_tabular_function_exiting_mid_run_is_named_and_its_run_resumes(
    work: Path, tmp_path: Path
) -> None:
    rc, out = exits._run(
        work, tmp_path, "fairness", "m.py:tabular", "--data", "people.csv", "--protected",
        "sex", "--max-queries", "3000", after=30, code=1,
    )  # fmt: skip
    assert rc == 3, out
    said = re.search(r"the function m\.py:tabular called os\._exit\(1\) on a batch of \d+", out)
    assert said, out  # (main: "the model called os._exit(1)")
    assert "the model called" not in out and "Traceback" not in out, out
    stored = re.search(r"failed, ([\d,]+) findings? stored", out)
    assert stored and int(stored[1].replace(",", "")) > 0, out
    line = next(x for x in out.splitlines() if "continue with:" in x).split("continue with: ")[1]
    again = subprocess.run(  # (as printed: a shell's line, PYTHONPATH=... before it)
        line, shell=True, capture_output=True, text=True, timeout=300, cwd=work,
        env={**os.environ, "EXIT_AFTER": "1000000"},
    )  # fmt: skip
    assert again.returncode == 1, again.stdout + again.stderr  # (completed; found)
    assert ": completed" in again.stdout, again.stdout


def test_a_text_classifier_exiting_mid_run_is_named(work: Path, tmp_path: Path) -> None:
    rc, out = exits._run(
        work, tmp_path, "text", "m.py:text", "m.py:text_plain", "--grammar", "g.cfg",
        "--max-queries", "100", after=2,
    )  # fmt: skip
    assert rc == 3, out
    assert "the function m.py:text called os._exit(0) on a batch of" in out, out
    assert "Traceback" not in out, out


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
