"""Whether a file can be written where a command asks (reports, exports), tried before the
run or its model loads: a bad path never costs a run, or hides its exit code.  (The command
line's checks, ``cli.checks``, and the API's resume of a run whose export a kill left
unwritten, ``api.resume_run``, share them.)"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from assay.core.outfile import fresh_beside, remove_earlier, written_through
from assay.errors import UsageError

__all__ = ["REPORTS", "check_creatable", "check_writable"]


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
