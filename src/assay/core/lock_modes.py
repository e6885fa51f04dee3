"""The folder of run locks beside a store, and its lock files, as shareable as the store.

A team sharing one store between accounts makes its file group-writable (0660, in a setgid
folder of the team's group): SQLite's ``-wal`` and ``-shm`` follow the file's mode, but
``STORE-locks/`` was made under the first account's umask (0755 under 022) and its lock
files 0644, so the second account could not make or open a run's lock, and
``runlock.acquire`` then ran the run unlocked, without a word (store53).  Now they take the
store file's permission bits: a private store (0600, assay's default) keeps private locks,
a team's store gives the team its locks."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["folder_mode", "lock_file_mode", "share_like_store"]

_DEFAULT = 0o644  # (a lock file's mode where the store's cannot be read: as before)


def _store_of(folder: Path) -> Path:
    """The store whose folder of locks ``folder`` is (``STORE-locks``)."""
    return folder.with_name(folder.name.removesuffix("-locks"))


def lock_file_mode(folder: Path) -> int:
    """A new lock file's permission bits: the store file's read and write bits."""
    try:
        return stat.S_IMODE(os.stat(_store_of(folder)).st_mode) & 0o666
    except OSError:
        return _DEFAULT


def folder_mode(folder: Path) -> int:
    """The folder of locks' bits: the store's, with search (x) wherever it may be read."""
    mode = lock_file_mode(folder)
    return mode | ((mode & 0o444) >> 2)


def share_like_store(folder: Path, made: bool) -> None:
    """After the folder of locks exists: when this process ``made`` it, its mode set as
    the store's allows (the umask left out); a folder that existed keeps its own."""
    if made:
        with contextlib.suppress(OSError):
            os.chmod(folder, folder_mode(folder))
