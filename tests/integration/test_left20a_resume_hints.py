"""The resume hints of ``assay show RUN`` and ``assay runs`` repeat the reports the run's
command was asked to write (absolute paths), as the resume line printed at its start does:
a CI job resuming from them gets its JUnit file."""

from __future__ import annotations

import json
import shlex
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()

MODEL = """
import numpy as np


def biased(x):
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) | ((x[:, -1] == 1) & (x[:, 0] > 40))).astype(int)
"""


def _started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A run made from its folder with relative report paths: (run id, its start's line)."""
    (tmp_path / "models.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (200, 2)), rng.integers(0, 2, 200)])
    body = "\n".join(",".join(map(str, r)) for r in rows)
    (tmp_path / "people.csv").write_text("x,z,sex\n" + body + "\n")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(
        app,
        [
            "fairness", "models.py:biased", "--data", "people.csv", "--protected", "sex",
            "--max-queries", "5000", "--seed", "1", "--store", "s.db",
            "--junit", "out/r.xml", "--html", "r.html",
        ],
    )  # fmt: skip
    assert made.exit_code in (0, 1), made.output
    line = next(w for w in made.output.splitlines() if "resume with: " in w)
    return line.split()[1].rstrip(","), line.split("resume with: ", 1)[1]


def _reports(line: str) -> dict[str, str]:
    words = shlex.split(line)
    return {w: words[i + 1] for i, w in enumerate(words) if w in ("--junit", "--html", "--report")}


def test_the_hints_of_show_and_runs_repeat_the_runs_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id, at_start = _started(tmp_path, monkeypatch)
    asked = {"--junit": str(tmp_path / "out" / "r.xml"), "--html": str(tmp_path / "r.html")}
    assert _reports(at_start) == asked
    db = sqlite3.connect(tmp_path / "s.db")
    with db:  # killed mid-run: still marked running, no checkpoint for ten minutes
        db.execute("UPDATE runs SET status='running', updated = updated - 600")
    db.close()
    runner = CliRunner()
    show = runner.invoke(app, ["show", run_id, "--store", "s.db"])
    hint = show.output.split("resume: ", 1)[1].split(")\n")[0]
    assert hint == at_start
    listed = runner.invoke(app, ["runs", "--store", "s.db"])
    assert f"  {at_start}" in listed.output.splitlines(), listed.output
    shown = json.loads(runner.invoke(app, ["show", run_id, "--store", "s.db", "--json"]).stdout)
    assert shown["resume"] == at_start
    # an interrupted run (Ctrl-C) is shown with its line too
    RunStore(tmp_path / "s.db").checkpoint(run_id, status="interrupted")
    show = runner.invoke(app, ["show", run_id, "--store", "s.db"])
    assert f"(resume: {at_start})" in show.output
    # pasted from another folder, it writes the files where the run was asked
    monkeypatch.chdir(tmp_path / "out")
    resumed = runner.invoke(app, shlex.split(at_start)[1:])
    assert resumed.exit_code in (0, 1), resumed.output
    assert (tmp_path / "out" / "r.xml").is_file() and (tmp_path / "r.html").is_file()


def test_a_resume_given_other_reports_is_hinted_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id, _ = _started(tmp_path, monkeypatch)
    RunStore(tmp_path / "s.db").checkpoint(run_id, status="interrupted")
    runner = CliRunner()
    other = ["--junit", "again.xml", "--report", "r.json"]
    runner.invoke(app, ["resume", run_id, "--store", "s.db", *other])
    RunStore(tmp_path / "s.db").checkpoint(run_id, status="interrupted")
    show = runner.invoke(app, ["show", run_id, "--store", "s.db"])
    hint = show.output.split("(resume: ", 1)[1].split(")\n")[0]
    assert _reports(hint) == {
        "--junit": str(tmp_path / "again.xml"),
        "--html": str(tmp_path / "r.html"),
        "--report": str(tmp_path / "r.json"),
    }


def test_a_line_given_the_runs_config_repeats_what_it_keeps(tmp_path: Path) -> None:
    """(An `assay resume` given no reports, stopped by an error or a second interrupt: its
    'continue with' line repeats the run's, as `show` does; one it was given replaces.)"""
    from assay.cli.reporting import resume_command

    config = {"reports": {"--junit": "/ci/j.xml", "--html": "/ci/r.html"}}
    line = resume_command("r1", tmp_path / "s.db", "assay fairness x.py:f", {}, config)
    assert _reports(line) == {"--junit": "/ci/j.xml", "--html": "/ci/r.html"}
    given = resume_command("r1", tmp_path / "s.db", "assay fairness x.py:f",
                           {"--junit": tmp_path / "new.xml"}, config)  # fmt: skip
    assert _reports(given) == {"--junit": str(tmp_path / "new.xml"), "--html": "/ci/r.html"}
