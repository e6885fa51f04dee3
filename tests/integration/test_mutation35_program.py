"""mutation35: left34's program as printed, on the paths its tests did not take.

- The ``assay`` found on the PATH is this installation's when it is the script this process
  runs as, even when its ``#!`` cannot tell (``/usr/bin/env python3``) and it sits apart
  from the interpreter: it is not named by its absolute path then.
- A script beside this interpreter (a virtualenv's ``bin``; Windows' launchers have no
  ``#!``) is this installation's.
- ``assay show RUN --json``'s ``resume`` names the program as invoked, as ``rerun`` does.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_left34_program import SRC, _script

from assay.core.program import program


def test_the_script_this_process_runs_as_is_assay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine = _script(tmp_path / "pipx-bin", "#!/usr/bin/env python3")  # (its #! cannot tell)
    monkeypatch.setenv("PATH", str(mine.parent))
    monkeypatch.setattr(sys, "argv", [str(mine), "fairness"])
    assert program() == "assay"


def test_a_script_beside_this_interpreter_is_assay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    launcher = _script(tmp_path / "venv" / "bin", "MZ launcher, no #! line")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "bin" / "python"))
    monkeypatch.setattr(sys, "argv", ["-c"])
    monkeypatch.setenv("PATH", str(launcher.parent))
    assert program() == "assay"


def test_show_json_names_the_resume_as_invoked(tmp_path: Path) -> None:
    other = _script(tmp_path / "other", "#!/bin/sh")
    env = {**os.environ, "PATH": f"{other.parent}:/usr/bin:/bin", "PYTHONPATH": SRC}
    args = ["fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "300"]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args, "--seed", "1", "--store", "s.db", "--quiet"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    with sqlite3.connect(tmp_path / "s.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
        db.execute("update runs set status = 'interrupted'")
    shown = subprocess.run(
        [sys.executable, "-m", "assay", "show", run_id, "--store", "s.db", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    resume = json.loads(shown.stdout)["resume"]
    assert resume and f"{shlex.quote(sys.executable)} -m assay resume " in resume, resume
