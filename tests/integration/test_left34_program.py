"""left34: another installation's ``assay`` on the PATH is not the program a printed
command names (left33's Left: ``shutil.which("assay")`` found a second virtualenv's script,
and the commands printed by ``/this/venv/bin/python -m assay`` said ``assay``, which ran
that other version when pasted: a resume, a verify or a report by other code)."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.core.program import program

SRC = str(Path(assay.__file__).resolve().parents[1])


def _script(folder: Path, first_line: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "assay"
    script.write_text(f"{first_line}\necho 'another assay ran' \"$@\"\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_only_this_installations_assay_on_the_path_is_named_assay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    python = f"{shlex.quote(sys.executable)} -m assay"
    other = _script(tmp_path / "other", "#!/bin/sh")
    monkeypatch.setenv("PATH", str(other.parent))
    assert program() == python
    env_python = _script(tmp_path / "envpython", "#!/usr/bin/env python3")  # (cannot tell)
    monkeypatch.setenv("PATH", str(env_python.parent))
    assert program() == python
    mine = _script(tmp_path / "mine", f"#!{sys.executable}")  # it runs this interpreter
    monkeypatch.setenv("PATH", f"{mine.parent}{os.pathsep}{other.parent}")
    assert program() == "assay"


def test_a_command_printed_with_another_assay_first_on_the_path_runs_this_one(
    tmp_path: Path,
) -> None:
    other = _script(tmp_path / "other", "#!/bin/sh")
    env = {**os.environ, "PATH": f"{other.parent}:/usr/bin:/bin", "PYTHONPATH": SRC}
    args = ["fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "400"]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args, "--seed", "1", "--store", "s.db", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    said = done.stderr
    command = json.loads(done.stdout)["command"]
    assert f"&& {shlex.quote(sys.executable)} -m assay fairness " in command, command
    (line,) = [x for x in said.splitlines() if x.startswith("to rebuild the reports: ")]
    pasted = line.removeprefix("to rebuild the reports: ")
    again = subprocess.run(
        ["/bin/sh", "-c", pasted], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert "another assay ran" not in again.stdout, pasted
    assert again.returncode == done.returncode, again.stderr
    assert (tmp_path / "report.html").is_file()
    # the JSON answers of this process (not the reports, documents read elsewhere) too
    run_id = pasted.split(" report ")[1].split()[0]
    shown = subprocess.run(
        [sys.executable, "-m", "assay", "show", run_id, "--store", "s.db", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    rerun = json.loads(shown.stdout)["rerun"]
    assert f"&& {shlex.quote(sys.executable)} -m assay fairness " in rerun, rerun
