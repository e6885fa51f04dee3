"""``assay --help`` as a new user reads it: no value type shown for a flag (typer 0.29's rich
help printed ``--version <bool>``, ``--help <bool>``), and help texts reflowed to the terminal
(typer's rich markup mode kept the docstrings' hard line breaks: ``assay demo --help`` showed
"... trained on UCI Adult" alone on a line, and ``assay --help`` listed the whole of
``verify``'s docstring)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _help(*args: str, columns: int = 200) -> str:
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("command", [[], ["verify"], ["fairness"], ["prune"]])
def test_flags_show_no_value_type(command: list[str]) -> None:
    text = _help(*command)
    assert "--help" in text
    assert "<bool>" not in text, text
    # options that take a value still say which
    if command == ["verify"]:
        assert "<path>" in text


def test_help_paragraphs_are_reflowed_to_the_terminal() -> None:
    wide = _help("demo")
    # one paragraph, one line on a wide terminal (the docstring breaks it after "Adult")
    line = "tests a decision tree trained on UCI Adult for discrimination on sex"
    assert any(line in row for row in wide.splitlines()), wide
    narrow = _help("demo", columns=60)
    assert "UCI" in narrow  # (wrapped by the renderer, wherever the terminal ends)


def test_the_command_list_gives_each_command_one_short_summary() -> None:
    text = _help()
    rows = [row for row in text.splitlines() if "verify" in row]
    assert rows and "which still fail?" in rows[0], text
    assert "(Fairness runs" not in text  # the rest of verify's help is for verify --help
    assert "(Fairness runs" in _help("verify")


def test_arguments_are_named_in_capitals_as_the_readme_spells_them() -> None:
    assert "RUN_ID" in _help("verify")


@pytest.mark.parametrize("command", [[], ["verify"]])
def test_dash_h_is_help(command: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "assay", *command, "-h"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: assay" in done.stdout, done.stderr  # (it was "No such option: -h")
