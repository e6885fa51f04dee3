"""mutation40: ``main(ARGS)`` called twice from one program, first with ``--json`` (which
leaves ``sys.stdout`` as the stderr it made of it, as hostile39b chose), the program then
taking its stdout back: the second command leaves the program's stdout as it found it.

hostile39b's test ran one command per process: the first command's kept JSON stdout read by
the second as made by it (the program's stdout replaced by the first's stderr) passed it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore


def test_a_command_after_a_json_one_puts_the_program_s_stdout_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    RunStore(tmp_path / "s.db").close()  # (an empty store: nothing to list)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the test, whatever it did)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    mine = sys.stdout
    with pytest.raises(SystemExit) as exc:
        main(["runs", "--store", "s.db", "--json"])
    assert exc.value.code == 0
    sys.stdout = mine  # (the program's own again, as it may choose after a --json command)
    with pytest.raises(SystemExit) as exc:
        main(["runs", "--store", "s.db"])
    assert exc.value.code == 0
    capsys.readouterr()
    print("the program's own line", flush=True)
    assert "the program's own line" in capsys.readouterr().out  # (not its stderr)
