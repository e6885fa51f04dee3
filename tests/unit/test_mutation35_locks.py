"""mutation35: the run locks' guards against a hostile store, each on its own.

hostile34's tests planted a link at the lock file (to a file, to a pipe) and a link at the
folder of locks to ``..``: the first path each guard covers.  A named pipe planted at the
lock's own path (a CI cache restored from a tar file keeps one; no link to refuse), a folder
of locks linked to another store's (whose lock this process holds), and a run id with a
slash in it reached the guards no test did: with ``O_NONBLOCK`` dropped, ``assay runs``
waited on the pipe for ever; with ``_probe``'s folder check dropped, another store's held
lock was read as this run's holder ("running", resume refused).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assay.core.runlock import RunLock, foreign, holder, lock_path

pytestmark = pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="POSIX links")


def test_a_run_id_with_a_slash_names_a_file_in_the_locks_folder(tmp_path: Path) -> None:
    store = tmp_path / "repo" / ".assay" / "runs.db"
    for run_id in ("sub/poetry", "a/b/c", "x\\y"):
        path = lock_path(store, run_id)
        assert path.parent == tmp_path / "repo" / ".assay" / "runs.db-locks"
        assert "/" not in path.name and "\\" not in path.name


def test_a_pipe_at_the_lock_path_does_not_make_the_listing_wait(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    path = lock_path(store, "fairness-x")
    path.parent.mkdir()
    os.mkfifo(path)  # no link: the pipe itself, at the lock's name
    code = (
        "from assay.core.runlock import held_runs, holder, foreign\n"
        f"print(held_runs({str(store)!r}), holder({str(store)!r}, 'fairness-x'), "
        f"foreign({str(store)!r}, 'fairness-x'))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading the run locks waited on a named pipe planted at a lock's path")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "None", "None"]


def test_a_linked_folder_of_locks_is_not_read_as_this_stores_holder(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    mine = RunLock(tmp_path / "other.db", "text-y")  # held by this process, another store
    mine.acquire()
    try:
        assert mine.held
        folder = lock_path(store, "text-y").parent
        folder.symlink_to(mine.path.parent)  # runs.db-locks -> other.db-locks
        assert holder(store, "text-y") is None
    finally:
        mine.release()


def test_a_linked_folder_of_locks_names_no_other_hosts_process(tmp_path: Path) -> None:
    """``foreign``: a lock file reached through a planted folder link, naming another host,
    is not this run's (the run was said held by that host's process: resume refused)."""
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "fairness-x.lock").write_text("4242 not-this-host-x9 1796471194 boot\n")
    lock_path(store, "fairness-x").parent.symlink_to(elsewhere)
    assert foreign(store, "fairness-x") is None
    # (the same file in assay's own folder of locks is another host's, as it says)
    real = tmp_path / "real.db"
    real.write_bytes(b"")
    lock_path(real, "fairness-x").parent.mkdir()
    lock_path(real, "fairness-x").write_text("4242 not-this-host-x9 1796471194 boot\n")
    assert "not-this-host-x9" in (foreign(real, "fairness-x") or "")
