"""A store's write-ahead log found without its store: kept aside, never dropped.

``mv runs.db elsewhere`` (or a CI cache restoring ``runs.db-wal`` but not ``runs.db``) leaves
the WAL, which holds the store's newest commits (a killed run's last checkpoints), beside a
path with no store.  The next run there made a new store and SQLite dropped that WAL without a
word (store53): the moved store, brought back later, had lost those commits.  Now the WAL is
renamed aside before the new store is made, and the user told how to put it back."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from assay.core.kept_streams import own_stderr
from assay.core.terminal import shell_word

__all__ = ["keep_wal_alone"]


def keep_wal_alone(path: Path) -> Path | None:
    """Before a new store is made at ``path`` (no file there): a ``-wal`` beside it moved
    to ``PATH-wal.alone-STAMP`` (with its ``-shm`` dropped: an index of a log no longer
    there), said on stderr; the name it took, or None."""
    wal = path.with_name(path.name + "-wal")
    if path.exists() or not wal.is_file() or wal.stat().st_size == 0:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    aside = wal.with_name(f"{wal.name}.alone-{stamp}")
    try:
        os.rename(wal, aside)
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.remove(path.with_name(path.name + "-shm"))
    with contextlib.suppress(Exception):  # (a replaced stderr that cannot be written)
        own_stderr().write(
            f"assay: note: {wal} was there without its store (moved or deleted without it): "
            f"it holds that store's newest commits, so it was kept as {aside} and a new store "
            f"made; to have them back, put it beside the store it belongs to, named as it was "
            f"(mv {shell_word(str(aside))} STORE-wal), before that store is next opened\n"
        )
    return aside
