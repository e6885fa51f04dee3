"""A refused resume leaves the store as it found it, even when its heartbeat beats fast.

``assay resume`` claims its run before the model loads, and the claim's heartbeat writes the
session's clock every second.  CI run 185 saw ``test_status38c_refused_reports`` find the
store changed after a refused resume at load ~25 (the run's session clock); this pins that
no beat of the refused session is what changed it: with beats every 10 ms the store is
byte for byte as it was (the cause of CI's one change is not found yet)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_status38_shown_status import _run  # (its model and data: tests/unit)
from test_status38b_command_exit import _snapshot
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.heartbeat import Heartbeat
from assay.core.store import close_open_stores

register()


def test_a_refused_resume_puts_back_the_clock_its_beats_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    (tmp_path / "flag").unlink()
    with (tmp_path / "m.py").open("a", encoding="utf-8") as f:
        f.write("# changed\n")
    before = _snapshot(store)
    defaults = Heartbeat.__init__.__defaults__
    assert defaults is not None
    monkeypatch.setattr(Heartbeat.__init__, "__defaults__", (0.01, *defaults[1:]))
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    close_open_stores()  # (as the command's end does: ``cli.app._quick_end``)
    assert res.exit_code == 2, res.output
    assert "changed since" in res.output
    assert _snapshot(store) == before
