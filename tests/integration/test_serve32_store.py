"""serve32: a run whose process is gone reads as stalled (resumable) at once, and a run
another host's process may be running is not taken from it.

After a ``kill -9``, a refused ``assay resume`` (a model file changed, a URL with
credentials to give again) claimed the run and let it go cleanly: its lock file removed,
``assay runs`` showed it "running" for a minute (until the no-checkpoint rule).  A lock
file naming another host, which this host cannot see held (a store shared over a file
system whose locks stay on each host), read as abandoned at once: a resume from the second
host would have run a live run twice into one store.
"""

from __future__ import annotations

import gc
import os
import socket
import time
from pathlib import Path

import pytest
from test_cli_hostile13a import SLOW, _assay, _fairness_args, _people, _run_id, _start

from assay.core.runlock import lock_path
from assay.core.store import RunStore
from assay.errors import UsageError


def _runs_line(tmp: Path, run_id: str) -> str:
    listed = _assay("runs", "--store", "s.db", cwd=tmp)
    assert listed.returncode == 0, listed.stderr
    return next(line for line in listed.stdout.splitlines() if line.startswith(run_id))


def test_a_killed_run_whose_resume_was_refused_is_stalled_at_once(tmp_path: Path) -> None:
    (tmp_path / "slow.py").write_text(SLOW)
    _people(tmp_path)
    args = _fairness_args("slow.py:predict", "--max-queries", "100000", "--store", "s.db")
    proc, seen = _start(tmp_path, *args, until="resume")
    run_id = _run_id(seen)
    proc.kill()
    proc.communicate()
    assert " stalled " in _runs_line(tmp_path, run_id)  # (the lock left by the kill)
    (tmp_path / "slow.py").write_text(SLOW + "\n# changed\n")  # the resume is refused
    refused = _assay("resume", run_id, "--store", "s.db", cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "changed" in refused.stderr, refused.stderr
    # (was 'running'; on stdout since cli36, as a finished run's status line; said as not
    # resumed since status39: the line read as the refused command's outcome)
    assert f"run {run_id} was not resumed, it is as it was: stalled" in refused.stdout
    line = _runs_line(tmp_path, run_id)
    assert " stalled " in line, line  # at once: was 'running' for a minute
    assert "resume" in _assay("show", run_id, "--store", "s.db", cwd=tmp_path).stdout
    RunStore(tmp_path / "s.db").claim(run_id)  # and free to be resumed


def test_a_store_dropped_with_its_run_running_leaves_it_stalled(tmp_path: Path) -> None:
    """The API's way to the same state: a store claimed a run, then was dropped (garbage
    collected, or closed) with the run still marked running."""
    for closed in (False, True):
        store = RunStore(tmp_path / f"s{closed}.db")
        store.create_run(
            run_id="fairness-a", technique="fairness", seed=1, command="x", config={},
            model={}, versions={},
        )  # fmt: skip
        store.create_run(
            run_id="fairness-b", technique="fairness", seed=1, command="x", config={},
            model={}, versions={},
        )  # fmt: skip
        store.checkpoint("fairness-b", status="interrupted")
        if closed:
            store.close()
        del store
        gc.collect()
        other = RunStore(tmp_path / f"s{closed}.db")
        assert other.abandoned("fairness-a"), closed  # running, no one's: stalled at once
        # an interrupted run let go as before: its lock file removed
        assert not lock_path(tmp_path / f"s{closed}.db", "fairness-b").exists()
        other.close()


def _left_by(tmp: Path, run_id: str, host: str, *, quiet: float) -> RunStore:
    """A store with ``run_id`` marked running, last checkpointed ``quiet`` seconds ago,
    whose lock file names a process of ``host`` that no lock here shows holding it."""
    store = RunStore(tmp / "s.db")
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="x", config={}, model={},
        versions={},
    )  # fmt: skip
    store.give_up(run_id)  # (as a kill leaves it: the lock file, held by nobody)
    store.close()
    path = lock_path(tmp / "s.db", run_id)
    path.write_text(f"4242 {host} {time.time() - 3600:.0f}\n")
    then = time.time() - quiet
    os.utime(path, (then, then))
    import sqlite3

    db = sqlite3.connect(tmp / "s.db")
    with db:
        db.execute("UPDATE runs SET updated=? WHERE id=?", (then, run_id))
    db.close()
    return RunStore(tmp / "s.db")


def test_a_run_another_host_checkpointed_lately_is_not_taken(tmp_path: Path) -> None:
    """Its lock cannot be seen from here: while it checkpoints it is running (refused,
    naming the host); past a minute of quiet it is stalled, and resumable."""
    store = _left_by(tmp_path, "fairness-h", "otherhost.example", quiet=5)
    assert not store.abandoned("fairness-h")
    assert " running " in _runs_line(tmp_path, "fairness-h")
    with pytest.raises(UsageError, match=r"process 4242 on host otherhost\.example.*another host"):
        store.claim("fairness-h")
    refused = _assay("resume", "fairness-h", "--store", "s.db", cwd=tmp_path)
    assert refused.returncode == 2 and "another host" in refused.stderr, refused.stderr
    store.close()
    (tmp_path / "q").mkdir()
    quiet = _left_by(tmp_path / "q", "fairness-q", "otherhost.example", quiet=120)
    assert " stalled " in _runs_line(tmp_path / "q", "fairness-q")
    quiet.claim("fairness-q")  # (its process gone a minute since: taken)
    quiet.close()


def test_a_run_this_host_left_is_stalled_at_once_whatever_its_age(tmp_path: Path) -> None:
    store = _left_by(tmp_path, "fairness-m", socket.gethostname(), quiet=1)
    assert store.abandoned("fairness-m")
    assert " stalled " in _runs_line(tmp_path, "fairness-m")
    store.claim("fairness-m")
    store.close()
