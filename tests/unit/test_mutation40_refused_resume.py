"""mutation40: a refused ``assay resume --junit`` says what its JUnit file holds.

status39's tests read the refusal's stdout without ``--junit``: the line naming the JUnit file
written as a plain "wrote FILE" (read as the run's report, with its verdict) passed them."""

from __future__ import annotations

from pathlib import Path

from test_status39_refused_resume import _refused
from typer.testing import CliRunner

from assay.cli.app import app, register

register()


def test_a_refused_resume_says_its_junit_file_holds_the_refusal(tmp_path: Path) -> None:
    store, run_id = _refused(tmp_path)
    junit = tmp_path / "j.xml"
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store, "--junit", str(junit)])
    assert res.exit_code == 2, res.output
    assert f"wrote {junit} (one error naming why it was not resumed)" in res.stdout
    assert "changed since" in junit.read_text(encoding="utf-8")


def test_an_assay_resume_killed_is_said_as_the_command_not_a_python_call(tmp_path: Path) -> None:
    """status39 marks a ``resume_run`` from Python until it returns; ``assay resume`` calls
    it too and keeps its own mark: killed -9, the run says the command did not end (a mark
    of a Python call there passed status39's tests)."""
    import os
    import subprocess
    import sys

    from test_status38_shown_status import _run

    from assay.core.store import RunStore
    from assay.report import build_document

    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    (tmp_path / "flag").write_text("kill 0", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", store],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr[-600:]
    said = build_document(RunStore(store), run_id)["command_exit"]
    assert said is not None and said.startswith("assay resume began on the run"), said
