"""Checks of CLI arguments made before anything runs (a bad argument never leaves a run)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from assay.core.outcome import check_fail_on
from assay.errors import UsageError

__all__ = ["check_creatable", "check_fail_on", "check_writable"]


def check_writable(path: Path | None, argument: str) -> None:
    """Raise ``UsageError`` unless a report can be written at ``path`` (tried now: a file
    that did not exist is created empty and removed again)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give a file name", argument=argument)
    existed = path.exists()
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {path}: no directory {parent}", argument=argument)
    try:
        with path.open("a"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}", argument=argument) from None
    if not existed:
        with contextlib.suppress(OSError):
            os.remove(path)


def check_creatable(path: Path | None, argument: str) -> None:
    """Like ``check_writable``, for a file whose missing folders the writer creates (reports
    of text and backdoor runs): the nearest existing folder must be one assay can write in."""
    if path is None:
        return
    parent = path.parent if str(path.parent) else Path(".")
    if parent.is_dir():
        check_writable(path, argument)
        return
    ancestor = parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {path}: cannot create {parent}", argument=argument)
