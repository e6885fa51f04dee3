"""A refused command's report files never say an earlier command's code as its own
(status38c, status38b's Left 3).

On main a refused ``assay resume RUN --report r.json --junit r.xml`` (exit 2: a changed
model file) wrote both files as the run stood: "assay fairness exited 3", the earlier
command's code, while the command a CI job ran was refused.  Now it writes what a command
refused before its run exists writes: its ``--junit`` file one error naming the refusal,
no ``--report`` (said on stderr), and the store as it was."""

from __future__ import annotations

from pathlib import Path

from test_status38_shown_status import _run  # (its model and data: tests/unit)
from test_status38b_command_exit import _snapshot
from typer.testing import CliRunner

from assay.cli.app import app, register

register()


def test_a_refused_resume_writes_no_report_saying_an_earlier_commands_code(
    tmp_path: Path,
) -> None:
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    (tmp_path / "flag").unlink()
    with (tmp_path / "m.py").open("a", encoding="utf-8") as f:
        f.write("# changed\n")
    before = _snapshot(store)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    args = ["resume", run_id, "--store", store, "--report", str(report), "--junit", str(junit)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert not report.exists(), "main: written, saying 'assay fairness exited 3'"
    xml = junit.read_text(encoding="utf-8")
    assert "exited 3" not in xml
    assert 'errors="1"' in xml and f"assay resume stopped before it resumed run {run_id}" in xml
    assert "changed since" in xml  # (the refusal itself)
    assert "not written: --report" in res.output
    assert _snapshot(store) == before
