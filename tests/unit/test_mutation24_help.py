"""``--help``'s panels as assay draws them (mutation24): a required argument starred, no empty
Arguments panel for a command that takes none, names whole on a 40-column terminal too."""

from __future__ import annotations

import pytest

from assay.cli.app import main


def _help(
    command: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int = 80,
) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out


def test_a_required_argument_is_starred(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help("show", capsys, monkeypatch)
    row = next(line for line in text.splitlines() if "RUN_ID  " in line)
    assert row.startswith("│ * RUN_ID"), text
    options = next(line for line in text.splitlines() if "--store" in line)
    assert options.startswith("│ --store"), text  # no star column where none is required


def test_a_command_without_arguments_has_no_arguments_panel(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help("runs", capsys, monkeypatch)
    assert "Arguments" not in text and "─ Options ─" in text, text


def test_option_names_are_whole_on_a_narrow_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help("backdoor", capsys, monkeypatch, columns=40)
    for name in ("--max-queries-per-image", "--no-filter-images", "--export-filter"):
        assert name in text, (name, text)


@pytest.mark.parametrize("command", ["show", "fairness"])
def test_the_help_option_reads_long_name_first_whatever_order_click_gives(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """click makes the help option's names from a set: "-h, --help" in one process and
    "--help, -h" in the next (Python's hash seed); here it gives the short name first."""
    from typer._click.core import Command

    monkeypatch.setattr(Command, "get_help_option_names", lambda self, ctx: ["-h", "--help"])
    text = _help(command, capsys, monkeypatch)
    assert "│ --help, -h " in text and "-h, --help" not in text, text
