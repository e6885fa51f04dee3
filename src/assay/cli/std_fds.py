"""The ``assay`` process started with stdin, stdout or stderr closed (``assay ... >&-``,
``2>&-``, a supervisor or a daemonising wrapper that closes them): each such descriptor is
opened on the null device before anything else runs, and its ``sys`` stream made again.

Without it Python starts with ``sys.stdout`` (or ``sys.stderr``) ``None``: every command
ended on an ``AttributeError`` with exit 1 ("found" to CI), a run under ``2>&-`` was never
made, and the next file the process opened took the free descriptor 1 or 2, where a write
meant for the terminal (a native library's print) would land in it."""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["open_closed"]

_NAMES = ((0, "stdin"), (1, "stdout"), (2, "stderr"))


def open_closed() -> list[str]:
    """Open each of descriptors 0-2 that is closed on the null device and give ``sys`` a
    stream on it; returns the names of those that were closed (``["stdout"]``).  A closed
    stdout is said on stderr (when that is open): what assay prints there goes nowhere,
    while the run, its reports and its exit code stand."""
    closed: list[str] = []
    for fd, name in _NAMES:
        try:
            os.fstat(fd)
        except OSError:
            closed.append(name)
            null = os.open(os.devnull, os.O_RDWR)  # (the lowest free descriptor: fd itself)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            mode = "r" if fd == 0 else "w"
            stream = os.fdopen(fd, mode, closefd=False, errors="backslashreplace")
            setattr(sys, name, stream)
    if "stdout" in closed and "stderr" not in closed:
        with contextlib.suppress(Exception):
            sys.stderr.write(
                "assay: warning: stdout was closed when assay started: what assay prints "
                "there is dropped (a run, its reports and its exit code stand; a listing, "
                "whose lines are its answer, exits 2)\n"
            )
    return closed
