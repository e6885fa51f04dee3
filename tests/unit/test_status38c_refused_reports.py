"""A refused command's report files never say an earlier command's code as its own
(status38c, status38b's Left 3).

On main a refused ``assay resume RUN --report r.json --junit r.xml`` (exit 2: a changed
model file) wrote both files as the run stood: "assay fairness exited 3", the earlier
command's code, while the command a CI job ran was refused.  Now it writes what a command
refused before its run exists writes: its ``--junit`` file one error naming the refusal,
no ``--report`` (said on stderr), and the store as it was.

status38b's Left 5: a fairness run whose own ``--export`` (or a backdoor scan whose
``--export-filter``) could not be written after its search said "exited 2 (... a usage
error)"; now it says the file was not written, as a text run's."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from test_status38_shown_status import _run, fixed_after_answer  # (tests/unit)
from test_status38b_command_exit import _snapshot
from typer.testing import CliRunner

from assay.cli.app import app, register

register()


def test_a_refused_resume_writes_no_report_saying_an_earlier_commands_code(
    tmp_path: Path,
) -> None:
    store, run_id = fixed_after_answer(tmp_path, changed=True)
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


def _full(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_fairness_export_not_written_is_said_as_that(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    code, said, store, _ = _run(tmp_path, "")  # (its model and data; exit 1: found)
    assert code == 1, said
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full)
    report = tmp_path / "e.json"
    res = CliRunner().invoke(
        app,
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1", "--store", store),
            *("--export", str(tmp_path / "f.csv"), "--report", str(report)),
        ],
    )
    assert res.exit_code == 2 and "No space left" in res.output, res.output
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["command_exit_code"] == 2
    # main: "(not everything or nothing was tested, or a usage error)"
    assert doc["command_exit"].startswith(
        "assay fairness exited 2 (its --export file was not written; its findings are kept)"
    ), doc["command_exit"]


def test_a_backdoor_filter_not_written_is_said_as_that(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assay.backdoor.filter.write_whole", _full)
    monkeypatch.chdir(tmp_path)  # (the demo's HTML goes to ./assay-demo)
    report = tmp_path / "b.json"
    res = CliRunner().invoke(
        app,
        [
            *("backdoor", "--demo", "--export-filter", str(tmp_path / "flt.json")),
            *("--store", str(tmp_path / "b.db"), "--report", str(report)),
        ],
    )
    assert res.exit_code == 2 and "cannot write the filter" in res.output, res.output
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["command_exit"].startswith(
        "assay backdoor exited 2 (its --export-filter file was not written; its findings are kept)"
    ), doc["command_exit"]  # main: "(... or a usage error)"
