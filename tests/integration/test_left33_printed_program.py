"""left33: the commands assay prints run when pasted, where ``assay`` is not on the PATH
(hostile32's Left 2): after ``make demo`` without activating its virtualenv, the README's
``.venv/bin/assay demo`` printed "see every run: assay runs", which said "command not
found" pasted.  The printed commands now name the program as it was invoked there."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.core.program import as_invoked, program

SRC = str(Path(assay.__file__).resolve().parents[1])
BARE_PATH = "/usr/bin:/bin"  # (no assay there)


def _env(path: str) -> dict[str, str]:
    return {**os.environ, "PATH": path, "PYTHONPATH": SRC}


def test_a_command_names_the_interpreter_where_assay_is_not_on_the_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    python = f"{shlex.quote(sys.executable)} -m assay"
    assert program() == python
    said = as_invoked("seed 0; to reproduce: assay demo --seed 0; see every run: assay runs")
    assert said == f"seed 0; to reproduce: {python} demo --seed 0; see every run: {python} runs"
    # (a progress line's prefix, a strategy's name, the program's name in prose, a failing
    # sentence in quotes: no command)
    kept_lines = ("assay text: loading the classifiers", "--strategy assay", "assay: error: x")
    for kept in (*kept_lines, '  "assay report is good"  [a: pos; b: neg]'):
        assert as_invoked(kept) == kept
    # on the PATH (this installation's: it runs this interpreter): the lines as they were
    script = tmp_path / "assay"
    script.write_text(f"#!{sys.executable}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert as_invoked("see every run: assay runs") == "see every run: assay runs"


def test_printed_commands_run_as_pasted_from_python_m_assay(tmp_path: Path) -> None:
    env = _env(BARE_PATH)
    args = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
    args += ["--max-queries", "300", "--seed", "1", "--store", "s.db"]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    said = done.stdout + done.stderr
    (line,) = [x for x in said.splitlines() if x.startswith("to rebuild the reports: ")]
    pasted = line.removeprefix("to rebuild the reports: ")
    assert pasted.startswith(f"{shlex.quote(sys.executable)} -m assay report "), pasted
    assert not re.search(r"(?<!-m )(?<![\w/.-])assay (report|resume|runs|text) ", said), said
    again = subprocess.run(
        ["/bin/sh", "-c", pasted], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert again.returncode == 1, again.stderr  # (the run's verdict: disagreements found)
    assert (tmp_path / "report.html").is_file()


def test_printed_commands_name_the_script_as_invoked(tmp_path: Path) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "assay"
    script.write_text(f"#!{sys.executable}\nfrom assay.cli.app import main\n\nmain()\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = _env(BARE_PATH)
    done = subprocess.run(
        ["venv/bin/assay", "fairness", "--bogus"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    where = re.search(r"\(see: (.*)\)", done.stderr)
    assert where is not None, done.stderr
    assert where.group(1) == f"{script} fairness --help", done.stderr
    helped = subprocess.run(
        ["/bin/sh", "-c", where.group(1)], cwd="/", env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert helped.returncode == 0 and "--protected" in helped.stdout, helped.stderr
