"""Run as ``python -m assay`` (no ``assay`` on the PATH), the backdoor demonstration's title
line read "/venv/bin/python -m assay backdoor demo: builtin:trojan (...)": the rewrite of
printed commands to the program took the title for a command (hostile35)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay.core.program as program_module
from assay.cli.app import main


def test_the_backdoor_demos_title_is_not_rewritten_as_a_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(program_module, "program", lambda: "/venv/bin/python -m assay")
    with pytest.raises(SystemExit):
        main([
            "backdoor", "--demo", "--seed", "1", "--store", str(tmp_path / "s.db"),
            "--html", str(tmp_path / "r.html"),
        ])  # fmt: skip
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("assay backdoor: demonstration on builtin:trojan"), first
    assert "-m assay backdoor demo" not in out
    # a printed command on the same output is still the program's
    assert "to reproduce: /venv/bin/python -m assay backdoor" in out, out
