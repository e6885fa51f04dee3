"""Every CLI option says what it does; --json means the same on every command."""

from __future__ import annotations

import typer.main

from assay.cli.app import app, register

register()


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_option_and_argument_has_help_text() -> None:
    missing = []
    for name, command in _commands().items():
        for param in command.params:  # type: ignore[attr-defined]
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{name} {param.name}")
    assert missing == []


def test_json_means_the_same_on_every_command() -> None:
    helps = set()
    for command in _commands().values():
        for param in command.params:  # type: ignore[attr-defined]
            if "--json" in getattr(param, "opts", ()):
                helps.add(param.help)
    assert len(helps) == 1, helps


def test_command_line_mistakes_use_the_same_error_style_and_exit_2() -> None:
    import subprocess
    import sys

    for args in (["fairness", "--max-queries", "abc"], ["fairness", "--bogus"], ["nosuch"]):
        done = subprocess.run(
            [sys.executable, "-m", "assay", *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("assay: error: "), done.stderr
        assert "╭" not in done.stderr  # no boxed error of another style
