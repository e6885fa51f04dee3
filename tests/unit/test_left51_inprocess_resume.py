"""left51: an ``assay resume`` run in-process (``CliRunner``, ``app(...)``: a test suite, a
notebook) lets go of its store, its run and its heartbeat when the command returns.  It kept
them until the process ended (the lead's forty-ninth session, Left): the heartbeat went on
writing the ended run's session clock every second (a completed run's own seconds grew
2.2 -> 4.2 in 2 s after the command had returned), and the run's lock stayed this
process's.  ``main()`` closed them at its end (``cli.app._quick_end``); ``CliRunner`` never
reaches it."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from test_status38_shown_status import fixed_after_answer  # (its run: tests/unit)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.heartbeat import Heartbeat
from assay.core.session_clock import SESSION_CLOCK
from assay.core.store import open_stores

register()


def _beating() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "assay-heartbeat" and t.is_alive()}


def _clock(store: str, run_id: str) -> str:
    with sqlite3.connect(store) as con:
        rows = con.execute(
            "SELECT value FROM configs WHERE run_id=? AND key=?", (run_id, SESSION_CLOCK)
        ).fetchall()
    con.close()
    return str(rows)


@pytest.mark.parametrize("how", ["finished", "refused"])
def test_an_in_process_resume_leaves_no_store_and_no_beat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # (refused: a changed model file, refused after the claim, exit 2)
    store, run_id = fixed_after_answer(tmp_path, changed=how == "refused")
    defaults = Heartbeat.__init__.__defaults__
    assert defaults is not None
    monkeypatch.setattr(Heartbeat.__init__, "__defaults__", (0.01, *defaults[1:]))
    earlier = _beating()  # (an earlier test's in this process are not this one's)
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    assert res.exit_code == (2 if how == "refused" else 1), res.output
    mine = [s for s in open_stores() if Path(s.path).resolve() == Path(store).resolve()]
    assert not mine, [s.claims() for s in mine]
    deadline = time.monotonic() + 5
    while _beating() - earlier and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _beating() - earlier
    first = _clock(store, run_id)
    time.sleep(0.2)  # (20 beats' time)
    assert _clock(store, run_id) == first
