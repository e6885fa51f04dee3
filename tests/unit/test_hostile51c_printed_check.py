"""bench/printed_commands.py ran JUnit's ``command_exit`` property ("assay fairness exited 1
(findings at or above --fail-on 0)") as a printed command: every fairness case with a
JUnit file failed with a bash syntax error (hostile51c), hiding real failures beside it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def test_an_exit_said_in_words_is_no_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRINTED_COMMANDS_DIR", str(tmp_path))
    path = Path(__file__).resolve().parents[2] / "bench" / "printed_commands.py"
    spec = importlib.util.spec_from_file_location("printed_commands_h51c", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "printed_commands_h51c", module)
    spec.loader.exec_module(module)
    junit = (
        '<property name="command_exit" value="assay fairness exited 1 (findings at or above '
        '--fail-on 0)" />\n<property name="command" value="cd /w &amp;&amp; assay fairness '
        '--dataset german --seed 1" />'
    )
    assert module.commands(junit) == ["assay fairness --dataset german --seed 1"]
