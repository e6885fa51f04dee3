"""The model scan's demonstration (8x8 digits, a 3x3 trigger) ends "found none of the bugs it
demonstrates" (the measured 8x8 limit): it now says so, and where the scan does name such
triggers, rather than leave the user to suspect a budget or a bug."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli import backdoor_cmd
from assay.cli.app import app, register

register()
runner = CliRunner()


@pytest.mark.parametrize(("code", "said"), [(1, True), (0, False)])
def test_a_model_scan_demonstration_that_names_nothing_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: bool
) -> None:
    monkeypatch.chdir(tmp_path)

    def finish(*args: Any, **kwargs: Any) -> int:
        return code  # the scan's verdict, as the demonstration judges it

    monkeypatch.setattr(backdoor_cmd, "finish_run", finish)
    result = runner.invoke(
        app,
        ["backdoor", "--demo", "--model-scan", "--max-queries", "400", "--store", "r.db"],
    )
    assert result.exit_code == code, result.output
    assert (backdoor_cmd.MODEL_SCAN_DEMO_LIMIT in result.output) is said
