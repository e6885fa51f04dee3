"""A symbolic link planted at a run's lock file (``<store>-locks/<run id>.lock``, committed
to a repository a CI job runs ``assay resume RUN`` in) is never written or read through
(hostile34: the link's target, ``~/.bashrc``, was truncated and overwritten with the lock
owner's line; a link to a named pipe made ``assay runs`` wait for ever)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assay.core.runlock import RunLock, holder, lock_path

pytestmark = pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="POSIX links")


def test_a_link_at_the_lock_path_is_replaced_its_target_kept(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    victim = tmp_path / "victim_bashrc"
    victim.write_text("export PATH=precious\n")
    path = lock_path(store, "fairness-x")
    path.parent.mkdir()
    path.symlink_to(victim)
    lock = RunLock(store, "fairness-x")
    lock.acquire()
    try:
        assert lock.held
        assert victim.read_text() == "export PATH=precious\n"
        assert not path.is_symlink() and path.is_file()
        assert path.read_text().split()[0] == str(os.getpid())
    finally:
        lock.release()
    assert victim.read_text() == "export PATH=precious\n"
    assert not path.exists()


def test_a_link_at_the_lock_path_is_not_read_as_its_holder(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    other = tmp_path / "held.lock"
    other.write_text("")
    mine = RunLock(tmp_path / "other.db", "text-y")  # a lock this process holds elsewhere
    mine.acquire()
    try:
        path = lock_path(store, "fairness-x")
        path.parent.mkdir()
        path.symlink_to(mine.path)
        assert holder(store, "fairness-x") is None
    finally:
        mine.release()


def test_a_link_to_a_pipe_does_not_make_the_listing_wait(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    path = lock_path(store, "fairness-x")
    path.parent.mkdir()
    path.symlink_to(pipe)
    code = f"import sys; from assay.core.runlock import held_runs; print(held_runs({str(store)!r}))"
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
        pytest.fail("held_runs waited on the named pipe a planted link points to")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_link_at_the_folder_of_locks_is_replaced_its_target_kept(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".assay").mkdir(parents=True)
    store = repo / ".assay" / "runs.db"
    store.write_bytes(b"")
    kept = repo / "poetry.lock"
    kept.write_text("locked dependencies\n")
    folder = lock_path(store, "poetry").parent
    folder.symlink_to("..")  # runs.db-locks -> .. : poetry.lock would be the repository's
    assert holder(store, "poetry") is None
    lock = RunLock(store, "poetry")
    lock.acquire()
    try:
        assert lock.held and not folder.is_symlink() and folder.is_dir()
        assert kept.read_text() == "locked dependencies\n"
    finally:
        lock.release()
    assert kept.read_text() == "locked dependencies\n"
