"""A refused resume leaves the store as it found it, its heartbeat's beats included.

``assay resume`` claims its run before the model loads, and the claim's heartbeat writes the
session's clock every second.  A resume refused by its checks (a changed model file) after a
beat had landed left the run's stored session clock changed: CI run 185 saw
``test_status38c_refused_reports`` find the store changed at load ~25 (checks slower than a
beat).  Now a session that lets go of the run having written nothing but beats puts the
clock back.  Here the beats come every 10 ms and the checks take 0.3 s, so that beats land."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from test_status38_shown_status import fixed_after_answer  # (its run: tests/unit)
from test_status38b_command_exit import _snapshot
from typer.testing import CliRunner

from assay import api
from assay.cli.app import app, register
from assay.core.heartbeat import Heartbeat
from assay.core.store import close_open_stores

register()


def test_a_refused_resume_puts_back_the_clock_its_beats_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = fixed_after_answer(tmp_path, changed=True)
    before = _snapshot(store)
    defaults = Heartbeat.__init__.__defaults__
    assert defaults is not None
    monkeypatch.setattr(Heartbeat.__init__, "__defaults__", (0.01, *defaults[1:]))
    checks = api.check_fingerprints

    def slow_checks(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # (the checks at CI load)
        return checks(*args, **kwargs)

    monkeypatch.setattr(api, "check_fingerprints", slow_checks)
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    close_open_stores()  # (as the command's end does: ``cli.app._quick_end``)
    assert res.exit_code == 2, res.output
    assert "changed since" in res.output
    assert _snapshot(store) == before
