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
