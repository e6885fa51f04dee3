"""``assay demo text`` and ``assay demo backdoor`` are ``assay text --demo`` and ``assay
backdoor --demo``: they run, exit 0, and every command they print works as printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()

COMMAND = re.compile(
    r"(?:^|: )(assay (?:report|runs|show|resume|text|backdoor)(?![:\w])(?! demo:)[^\n]*)"
)


def _commands(output: str) -> list[str]:
    return [m.group(1).strip() for m in COMMAND.finditer(output)]


def _check_printed(output: str, technique: str) -> None:
    commands = _commands(output)
    kinds = {shlex.split(c)[1] for c in commands}
    assert {technique, "report", "resume"} <= kinds, output
    for command in commands:
        argv = shlex.split(command)[1:]
        if argv[0] == technique:
            assert "--demo" in argv  # the rerun line is the alias's target
            continue  # rerunning the demo itself is what the test just did
        result = runner.invoke(app, argv)
        if argv[0] == "resume":  # the run ended: nothing to resume, and it says why
            assert "already ended" in result.output, result.output
            # (given report files, it writes them and exits with the run's verdict: left53c;
            # given none, it is refused)
            reports = {"--junit", "--html", "--report"} & set(argv)
            assert result.exit_code in ((0, 1) if reports else (2,)), result.output
        else:
            assert result.exit_code in (0, 1), f"{command}\n{result.output}"


def test_demo_text_is_assay_text_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "runs.db"
    result = runner.invoke(app, ["demo", "text", "--store", str(store), "--out", "out"])
    assert result.exit_code == 0, result.output
    assert "disagreements found" in result.output
    assert (tmp_path / "out" / "text.html").is_file()
    (run,) = RunStore(store).list_runs()
    assert run.technique == "text" and run.n_findings > 0
    assert run.command.startswith("assay text") and "--demo" in run.command
    _check_printed(result.output, "text")
    # --seconds, when given, is the text demo's time budget
    timed = runner.invoke(app, ["demo", "text", "--store", str(store), "--seconds", "1"])
    assert timed.exit_code == 0, timed.output
    assert "--max-time 1" in RunStore(store).list_runs()[0].command


def test_demo_with_an_unknown_name_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "nothing", "--store", str(tmp_path / "r.db")])
    assert result.exit_code == 2
    assert "fairness, text, backdoor" in result.output


@pytest.mark.slow
def test_demo_backdoor_is_assay_backdoor_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "runs.db"
    result = runner.invoke(app, ["demo", "backdoor", "--store", str(store), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "carry a confirmed trigger" in result.output
    assert (tmp_path / "assay-demo" / "backdoor.html").is_file()
    (run,) = RunStore(store).list_runs()
    assert run.technique == "backdoor" and run.n_findings > 0
    _check_printed(result.output, "backdoor")
