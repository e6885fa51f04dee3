"""Checks of CLI arguments made before anything runs (a bad argument never leaves a run)."""

from __future__ import annotations

import os
from pathlib import Path

from assay.core.outcome import check_fail_on
from assay.core.writable import REPORTS, check_creatable, check_writable
from assay.errors import UsageError

__all__ = [
    "REPORTS",
    "check_creatable",
    "check_fail_on",
    "check_outputs",
    "check_store",
    "check_writable",
]


def _file_of(spec: object) -> str | None:
    """The file a command-line value names, resolved (``m.py:predict``: ``m.py``); None for
    what is not a file path (a URL, ``builtin:...``, a module, nothing)."""
    if not isinstance(spec, str | os.PathLike) or not str(spec):
        return None
    text = str(spec)
    if "://" in text or text.startswith("builtin:"):
        return None
    head, sep, tail = text.rpartition(":")
    if sep and head and "/" not in tail and "\\" not in tail and len(head) > 1:
        text = head  # file.py:function
    return os.path.realpath(text)


def check_outputs(outputs: list[tuple[Path | None, str]], inputs: list[object]) -> None:
    """Raise ``UsageError`` when a file the command writes (``(path, flag)``) is one it reads
    (the run store, the data, the model, the grammar, ...) or another of its outputs:
    writing it would destroy it (``--report runs.db`` replaced every run of the store)."""
    read = {f for f in map(_file_of, inputs) if f is not None}
    # a store's own files beside it: SQLite's (the WAL holds the latest findings) and the
    # folder of its runs' locks
    read |= {f"{f}{end}" for f in read for end in ("-wal", "-shm", "-journal")}
    locks = {f"{f}-locks" for f in read}
    written: dict[str, str] = {}
    for path, flag in outputs:
        target = _file_of(path)
        if target is None:
            continue
        if target in read or os.path.dirname(target) in locks:
            raise UsageError(
                f"{path} is a file this command reads (the run store and its -wal, -shm and "
                "locks, the data, the model, ...); "
                "writing the report there would destroy it: give another file name",
                argument=flag,
            )
        if target in written:
            raise UsageError(
                f"{path} is also the file of {written[target]}: one would overwrite the other",
                argument=flag,
            )
        written[target] = flag


def check_store(store: str | os.PathLike[str]) -> None:
    """Open the run store a run will write, and close it again, before the model and data
    are loaded: a store of a newer assay, a damaged file or a folder is refused at once, with
    the run's own message (``StoreError``), instead of after a long load.  A store not there
    yet is left to the run to create (a run refused later leaves no empty store behind)."""
    path = Path(store).expanduser()
    if path.is_dir() or path.exists():
        from assay.core.store import RunStore

        RunStore(path).close()
