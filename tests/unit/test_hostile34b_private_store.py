"""A store assay makes is its user's alone: it holds rows of the user's data set (hostile34's
Left: 0644 / 0755 under the usual umask, readable by every account of a shared runner).
Its folders and file are made 0700 / 0600 (SQLite's -wal and -shm follow the file); a store
or folder that exists keeps its mode."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from assay.core.store import RunStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_store_and_its_folders_are_private(tmp_path: Path) -> None:
    path = tmp_path / "repo" / ".assay" / "runs.db"
    store = RunStore(path)
    store.close()
    assert _mode(tmp_path / "repo") == 0o700
    assert _mode(tmp_path / "repo" / ".assay") == 0o700
    assert _mode(path) == 0o600
    store = RunStore(path)
    try:
        wal = Path(f"{path}-wal")
        assert wal.exists() and _mode(wal) == 0o600
    finally:
        store.close()


def test_an_existing_store_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    path = folder / "runs.db"
    RunStore(path).close()
    os.chmod(path, 0o644)
    RunStore(path).close()
    assert _mode(folder) == 0o755
    assert _mode(path) == 0o644


def test_a_salvaged_store_is_private_too(tmp_path: Path) -> None:
    from assay.core.salvage import salvage

    source = tmp_path / "old.db"
    RunStore(source).close()
    os.chmod(source, 0o644)
    salvage(source, tmp_path / "new.db")
    assert _mode(tmp_path / "new.db") == 0o600
