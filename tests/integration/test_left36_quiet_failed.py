"""``--quiet`` on a run that fails (exit 3) still says how to go on (cli36's Left 5): it
printed nothing but the error, no resume line, so a CI job run with ``--quiet`` logged no way
to continue the run.  Now, as an interrupted run's "continue with" under ``--quiet``, one
error line names the run, what it stored and the resume line; nothing on stdout (as a
finished run under ``--quiet``), and no "Findings made before the failure stay in the store."
chatter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import test_cli36_printed_commands as c36  # isort: skip

pytestmark = pytest.mark.slow


def test_a_failed_run_under_quiet_says_its_resume_line_as_an_error(tmp_path: Path) -> None:
    package = "left36_quiet_pkg"
    lib, work = c36._world(tmp_path, package)
    (work / "BROKEN").touch()  # the model raises after 30 calls
    command = c36.FAILING["fairness"].format(p=package)
    code, out, err, _ = c36._run(
        tmp_path,
        work,
        f"assay {command} --seed 7 --store s.db --junit j.xml --quiet",
        name="quiet",
        PYTHONPATH=str(lib),
    )
    assert code == 3, out + err
    assert out == "", out
    assert "the model failed" in err
    assert "Findings made before the failure" not in err
    said = re.search(
        r"^assay: error: run (fairness-\S+): failed, [\d,]+ findings stored; once the problem "
        r"is fixed, continue with: (.*)$",
        err,
        re.M,
    )
    assert said, err
    resume = c36._as_pasted(said.group(2))
    assert resume.startswith(f"PYTHONPATH={lib.resolve()} assay resume {said.group(1)} ")
    assert "--junit" in resume
    (work / "BROKEN").unlink()
    done, done_out, done_err, _ = c36._run(tmp_path, tmp_path, resume, name="resumed")
    assert done in (0, 1), done_out + done_err
    assert re.search(rf"^run {said.group(1)}: (completed|budget_exhausted)$", done_out, re.M)
