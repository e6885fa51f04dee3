"""The run store's shared-memory index (``STORE-shm``) made unwritable under a process that
has it mapped.

SQLite in WAL mode maps ``STORE-shm`` into every process with the store open, and every
connection of one process shares that mapping.  Once the file is made immutable
(``chattr +i``) a page of it the process writes again kills it with SIGBUS: a checkpoint, a
read (its read mark), even closing the connection; no Python code runs, no report is
written, nothing is said.  A connection opened after it, in another process, reads the
store and is refused its writes ("attempt to write a readonly database").

So each statement of a store first asks whether its index can still be written; once it
cannot, the store's path is *lost to this process*: its connections are never used nor
closed again (kept until the process ends: the run's committed checkpoints are in
``STORE-wal``, which the next process to open the store reads), every store opened at that
path in this process is refused, and the failure is a ``StoreError`` (exit 4) saying how
to go on.  The ask is a system call before each statement; a ``chattr`` landing between
the ask and the write, or during a background merge, is a SIGBUS still, which
``core.store_bus`` turns into the same words and exit 4.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from assay.core.terminal import shell_join, shell_word
from assay.errors import StoreError

__all__ = [
    "INDEX",
    "index_writable",
    "keep_open",
    "lost",
    "lost_error",
    "mark_lost",
    "unwritable_beside",
]

INDEX = "-shm"
_LOST: set[str] = set()  # stores (absolute paths) whose index this process may not touch


def index_writable(path: Path | str) -> bool:
    """Whether the store's index at ``path`` may be written (true when there is none).  Only
    an index made immutable (EPERM) or on a file system made read-only (EROFS) counts as
    unwritable: one this user may not write (another user's store, EACCES) was never mapped
    writable by this process, and a mapping made before a ``chmod`` stays writable."""
    index = f"{path}{INDEX}"
    try:
        if os.access(index, os.W_OK) or not os.path.exists(index):
            return True
        os.close(os.open(index, os.O_RDWR))
    except OSError as exc:
        return exc.errno not in (errno.EPERM, errno.EROFS)
    except ValueError:
        pass
    return True


def unwritable_beside(path: Path | str) -> Path | None:
    """The store's ``-shm`` or ``-wal`` when it exists and cannot be written (made immutable,
    read-only), before a writer opens the store; None otherwise."""
    for end in (INDEX, "-wal"):
        beside = Path(f"{path}{end}")
        try:
            if beside.exists() and not os.access(beside, os.W_OK):
                return beside
        except (OSError, ValueError):
            continue
    return None


def lost(where: str) -> bool:
    """Whether the store at the absolute path ``where`` is lost to this process."""
    return where in _LOST


def mark_lost(where: str) -> None:
    _LOST.add(where)


def keep_open(connection: object) -> None:
    """Never close ``connection`` (nor let the interpreter close it as it ends): closing it
    writes the index it mapped, which kills the process."""
    import ctypes  # (only here: a store lost to the process)

    if connection is not None:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(connection))


def lost_error(path: Path | str, runs: frozenset[str] = frozenset()) -> StoreError:
    """The failure of a store lost to this process; ``runs``: those it was running, whose
    resume line it names."""
    index = shell_word(f"{path}{INDEX}")
    then = " or ".join(
        shell_join(["assay", "resume", run_id, "--store", os.path.abspath(path)])
        for run_id in sorted(runs)
    )
    return StoreError(
        f"{path}: the run store's index {path}{INDEX} can no longer be written (made immutable, "
        "chattr +i, or read-only) while this process has it mapped: touching the store again "
        "would kill the process (SIGBUS), so it is left as it is; it holds the run as of its "
        f"last checkpoint (in {path}-wal): make the index writable again (chattr -i {index}), "
        f"then continue the run with {then or 'assay resume'}"
    )
