"""Checks of CLI arguments made before anything runs (a bad argument never leaves a run)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from assay.core.outcome import check_fail_on
from assay.core.outfile import fresh_beside, remove_earlier, written_through
from assay.errors import UsageError

__all__ = ["check_creatable", "check_fail_on", "check_outputs", "check_store", "check_writable"]


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


# reports a CI job reads after the run: one left by an earlier run is removed once the
# path is known to be an output (``check_outputs`` first), so that a run that stops before
# writing its own (exit 2, 3, ...) never leaves an earlier run's pass to be read as its
REPORTS = ("--html", "--junit", "--report")


def check_writable(path: Path | None, argument: str) -> None:
    """Raise ``UsageError`` unless a report can be written at ``path`` (tried now: a file
    that did not exist is created empty and removed again; an earlier run's report, for an
    option of ``REPORTS``, is removed)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give a file name", argument=argument)
    if written_through(path):
        # a device or a pipe (``--report /dev/stdout``, even when stdout is a file): written
        # through, never removed (as root, removing /dev/stdout took it from every program;
        # removing the file it led to lost the report), never opened here (a pipe with no
        # reader yet would block)
        if not os.access(path, os.W_OK):
            raise UsageError(f"cannot write {path}: permission denied", argument=argument)
        return
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {path}: no directory {parent}", argument=argument)
    if path.is_symlink():  # replaced by the file when it is written (core.outfile), never
        # followed: its target (a planted `report.html -> ~/.bashrc`) is neither tried nor
        # removed; the folder must take a new file
        try:
            probe, fd = fresh_beside(path)
            os.close(fd)
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or exc
            raise UsageError(f"cannot write {path}: {reason}", argument=argument) from None
        if argument in REPORTS:  # (the link, an earlier report's: removed, as a report is)
            with contextlib.suppress(OSError):
                os.remove(path)
        return
    existed = path.exists()
    try:
        with path.open("a"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}", argument=argument) from None
    if not existed or argument in REPORTS:
        with contextlib.suppress(OSError):
            remove_earlier(path)  # (its permission bits kept for the new report)


def check_creatable(path: Path | None, argument: str) -> None:
    """Like ``check_writable``, for a file whose missing folders the writer creates (reports
    and exports of text and backdoor runs): the missing folders are made and the file tried
    now, then removed again (asking the system whether a folder is writable is not enough:
    root is told yes where an NFS server, a read-only mount or a policy says no)."""
    if path is None:
        return
    parent = path.parent if str(path.parent) else Path(".")
    if parent.is_dir():
        check_writable(path, argument)
        return
    missing: list[Path] = []
    ancestor = parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        missing.append(ancestor)
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(
            f"cannot write {path}: {ancestor} is a file, not a folder", argument=argument
        )
    made: list[Path] = []
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except OSError as exc:
                raise UsageError(
                    f"cannot write {path}: cannot create {folder}: {exc.strerror or exc}",
                    argument=argument,
                ) from None
            made.append(folder)
        check_writable(path, argument)
    finally:
        for folder in reversed(made):  # as they were: a run that stops leaves no folder
            with contextlib.suppress(OSError):
                folder.rmdir()


def check_store(store: str | os.PathLike[str]) -> None:
    """Open the run store a run will write, and close it again, before the model and data
    are loaded: a store of a newer assay, a damaged file or a folder is refused at once, with
    the run's own message (``StoreError``), instead of after a long load.  A store not there
    yet is left to the run to create (a run refused later leaves no empty store behind)."""
    path = Path(store).expanduser()
    if path.is_dir() or path.exists():
        from assay.core.store import RunStore

        RunStore(path).close()
