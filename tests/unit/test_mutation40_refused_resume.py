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
