"""The model scan demonstration's 8x8 note is said by the demonstration only: a user's own
model scan that names nothing is not told of the demonstration's 8x8 digits (a hand-made
mutant dropping ``demo`` from the condition lived through lead27's test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli import backdoor_cmd
from assay.cli.app import app, register

register()


def test_a_users_own_model_scan_gets_no_demonstration_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def finish(*args: Any, **kwargs: Any) -> int:
        return 1  # (as a scan that named nothing would end its demonstration)

    monkeypatch.setattr(backdoor_cmd, "finish_run", finish)
    args = ["backdoor", "builtin:trojan", "--model-scan", "--max-queries", "400", "--store", "r.db"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "run backdoor-" in result.output  # (the scan ran)
    assert backdoor_cmd.MODEL_SCAN_DEMO_LIMIT not in result.output
