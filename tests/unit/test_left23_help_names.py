"""``--help`` on an 80-column terminal, or in a pipe or CI log (80 columns): typer's table gave
an option's names four columns, cut the long ones (``--max-queries-per…``,
``--no-filter-imag…``: names nobody could type) and left the help ~20 characters."""

from __future__ import annotations

import pytest
import typer

from assay.cli.app import app, main


def _help(command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["fairness", "text", "backdoor", "verify", "prune"])
def test_every_option_name_is_shown_whole_at_80_columns(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(command, capsys, monkeypatch)
    assert "…" not in text, text
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    for param in click_command.params:
        for name in [*param.opts, *param.secondary_opts]:
            if name.startswith("-"):
                assert name in text, (name, text)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_help_column_gets_the_width_the_names_leave(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help("backdoor", capsys, monkeypatch)
    row = next(line for line in text.splitlines() if "--max-queries-per-image" in line)
    assert "Query budget for one image." in row, text  # one line: it wrapped at ~20 characters
    flag = next(line for line in text.splitlines() if "--filter-images" in line)
    assert "--no-filter-images" not in flag  # a flag's negative form on the line under it
