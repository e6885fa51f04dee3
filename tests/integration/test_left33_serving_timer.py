"""left33: a served model's requests of a phase without checkpoints survive a kill.

Each checkpoint wrote the session's request counts so far (serve32), but the phases that
write none (the determinism check before the search, the answer's sampling, the checks
after the search) lost theirs when the session was killed there: a run killed in its
determinism check had written no counts at all, and its resume said ``sessions_killed`` 0
and none of the killed session's requests.  A timer now writes them every few seconds.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from test_hostile25a_serving import serve  # noqa: F401  (the fixture)
from test_serve32_serving import ENV, _scored, resumed_serving

from assay.core.store import RunStore

HANG_AT = 10  # the POST the server stops answering at: the determinism check's


def _pending(db: Path) -> dict | None:
    """The killed session's counts as the store holds them (None: none written)."""
    if not db.exists():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
    try:
        rows = con.execute("SELECT value FROM configs WHERE key='serving_session'").fetchall()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return json.loads(rows[0][0]) if rows and rows[0][0] else None


def test_requests_of_the_determinism_check_survive_a_kill_there(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    posts: list[int] = []
    hung = threading.Event()
    released = threading.Event()

    def answered(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        if len(posts) >= HANG_AT and not released.is_set():
            hung.set()
            released.wait(120)  # (the session hangs in its determinism check)
        _scored(h, n, k)

    url = serve(answered)
    args = [sys.executable, "-m", "assay", "fairness", url, "--dataset", "adult",
            "--protected", "sex", "--max-queries", "3000", "--seed", "1", "--batch-size", "50",
            "--store", "s.db", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=tmp_path, env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        assert hung.wait(120), "the run never reached the hanging request"
        # the kill comes once the counts are in the store (the timer writes them), or after
        # a while (before the timer, none were written: the assertion below fails)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = _pending(tmp_path / "s.db")
            if pending and pending["counts"]["requests"] >= HANG_AT:
                break
            time.sleep(0.1)
        store = RunStore(tmp_path / "s.db", read_only=True)
        (record,) = store.list_runs(5)
        assert record.progress.get("phase") is None  # (no checkpoint yet: the check's)
        store.close()
    finally:
        proc.kill()
        proc.communicate()
    killed_at = len(posts)
    assert killed_at == HANG_AT
    pending = _pending(tmp_path / "s.db")
    assert pending is not None, "the killed session's counts were never written"
    assert pending["counts"]["requests"] == killed_at, pending
    released.set()
    serving = resumed_serving(tmp_path, record.id)
    assert serving["sessions_killed"] == 1
    # every request the server saw (the killed session's own included)
    assert serving["requests"] == len(posts), (serving, len(posts))
