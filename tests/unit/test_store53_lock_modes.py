"""A team's store (a group-writable file) gives the team its run locks; a private store's
locks stay private.  Before store53, ``STORE-locks/`` and its lock files were made under the
first account's umask (0755 / 0644 under 022): a second account of the team could not take a
run's lock, and its run went on unlocked."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from assay.core.runlock import RunLock, lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("store_mode", "folder", "lock"), [(0o660, 0o770, 0o660), (0o600, 0o700, 0o600)]
)
def test_the_locks_take_the_store_files_bits_whatever_the_umask(
    tmp_path: Path, store_mode: int, folder: int, lock: int
) -> None:
    store = tmp_path / "runs.db"
    store.write_bytes(b"")
    os.chmod(store, store_mode)
    old = os.umask(0o022)
    try:
        held = RunLock(store, "toy-a")
        held.acquire()
        try:
            path = lock_path(store, "toy-a")
            assert _mode(path.parent) == folder
            assert _mode(path) == lock
        finally:
            held.release()
    finally:
        os.umask(old)
