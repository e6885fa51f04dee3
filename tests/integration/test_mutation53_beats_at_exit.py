"""mutation53: beat52's heartbeats stopped at the interpreter's exit (``core.heartbeat``'s
``atexit`` hook): a program that keeps a store open with its run beating exits with no beat
thread left running while the interpreter finalizes (a surviving mutant named by the test;
the one test that had "killed" it, test_beat52_close_race's drop test, failed under load
with the mutant's line in no way on its path, and passed three times unmutated)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROGRAM = """
import atexit, sys


def check():  # (registered before assay's hook: it runs after it)
    from assay.core import heartbeat

    hearts = list(heartbeat._HEARTS)
    alive = [h for h in hearts if h.beating or h._thread.is_alive()]
    print(f"hearts {len(hearts)} beating {len(alive)}", flush=True)


atexit.register(check)

from assay.core.store import RunStore

STORE = RunStore(sys.argv[1])  # (kept open to the end, as a notebook keeps it)
STORE.create_run(
    run_id="backdoor-1", technique="backdoor", seed=0, command="c", config={}, model={},
    versions={},
)
assert STORE._hearts["backdoor-1"].beating
"""


def test_a_store_kept_open_to_the_end_stops_beating_at_exit(tmp_path: Path) -> None:
    # F2 (``atexit.register(_stop_all)`` dropped): the run's beat thread was still beating
    # while the interpreter finalized
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "runs.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "hearts 1 beating 0" in done.stdout, (done.stdout, done.stderr[-2000:])
