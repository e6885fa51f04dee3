"""`assay demo text` without the [text] extra says what the demonstration needs (it said
"argument MODEL: builtin:vader needs ..." of a MODEL argument the user never gave)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()


def test_the_text_demo_without_its_extra_names_the_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "vaderSentiment" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = runner.invoke(app, ["demo", "text", "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the text demonstration (VADER vs TextBlob) needs vaderSentiment" in said
    assert "pip install 'assay[text]'" in said
    assert "argument MODEL" not in said
    assert not (tmp_path / "runs.db").exists()


def test_the_first_failing_sentences_name_the_command_that_writes_every_one(
    tmp_path: Path,
) -> None:
    """It said "(ranked; all in the reports)": the reports hold the most frequent 50 (HTML)
    and 200 (JSON) of the run's 860.  The command it prints now writes every one."""
    import csv
    import shlex

    store = str(tmp_path / "runs.db")
    result = runner.invoke(
        app, ["text", "--demo", "--store", store, "--max-queries", "1500", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "all in the reports" not in said
    line = next(x for x in result.output.splitlines() if x.startswith("every one of them"))
    command = line.split(": ", 1)[1]
    words = shlex.split(command)
    assert words[:2] == ["assay", "report"] and words[-2:] == ["--export", "failing.csv"]
    out = tmp_path / "failing.csv"
    written = runner.invoke(app, [*words[1:-1], str(out)])
    assert written.exit_code in (0, 1), written.output  # (the run's verdict)
    total = int(said.split("first 3 of ", 1)[1].split(" ", 1)[0].replace(",", ""))
    with open(out, newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == total
