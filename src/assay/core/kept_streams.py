"""The caller's ``sys.stdout`` and ``sys.stderr`` are its own again when an API call ends.

A model that replaces ``sys.stdout`` or ``sys.stderr`` (a log file at import, a ``StringIO``
in a call to silence a library) left a notebook printing into the model's stream after
``assay.check_fairness`` returned or raised: the cell's prints and the next cell's vanished
(left40).  Each API call (``core.call_exit``) puts back the streams it started with, however
it ends.  The command line's are put back by its own ``cli.console.command_streams``, which
marks a command as running (``commanded``): an API call inside it leaves them to it (a
``--json`` command makes ``sys.stdout`` its stderr within the call, and keeps it so).

While the call runs, assay's own lines (``cli.console.Output`` made outside a command line,
``core.notices``' warnings, a store's upgrade note) go to the streams the call started with
(``call_streams``, ``own_stderr``), not to those a model installed meanwhile (left40b): they
went into the model's ``StringIO`` until the call's end put the caller's back.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from assay.core.running_count import Count

__all__ = ["call_streams", "commanded", "on_own_stderr", "own_stderr", "restored"]

_commands = Count()  # command lines running in this process (``commanded``)
# the streams the outermost API call running in this context started with: a context
# variable, so that a thread started with the caller's context (a loading thread,
# ``core.loading_time``) speaks on them too, and a call on another thread has its own
_STARTED: ContextVar[tuple[TextIO, TextIO] | None] = ContextVar("assay_call_streams", default=None)


def commanded() -> Count:
    """While a command line runs: its streams are its own to put back."""
    return _commands


@contextmanager
def restored() -> Iterator[None]:
    """Around an API call: ``sys.stdout`` and ``sys.stderr`` as they were at its start when
    it ends (outside a command line)."""
    out, err = sys.stdout, sys.stderr
    token = _STARTED.set(_STARTED.get() or (out, err))
    try:
        yield
    finally:
        _STARTED.reset(token)
        if not _commands:
            if sys.stdout is not out:
                sys.stdout = out
            if sys.stderr is not err:
                sys.stderr = err


def call_streams() -> tuple[TextIO, TextIO] | None:
    """The ``sys.stdout`` and ``sys.stderr`` the outermost API call running here started with
    (a call made within another, by a callback after a model replaced them, would have
    started with the model's); None outside an API call."""
    return _STARTED.get()


def own_stderr() -> TextIO:
    """Where assay says a line of its own on stderr: the stderr this thread's API call
    started with, else ``sys.stderr`` as it is."""
    streams = call_streams()
    return streams[1] if streams is not None else sys.stderr


@contextmanager
def on_own_stderr() -> Iterator[None]:
    """Within the block (a Python warning of assay's: ``warnings`` writes to ``sys.stderr``
    as it is), ``sys.stderr`` is the one this thread's API call started with; a model's
    replacement is put back after it."""
    mine, now = own_stderr(), sys.stderr
    if mine is now:
        yield
        return
    sys.stderr = mine
    try:
        yield
    finally:
        if sys.stderr is mine:
            sys.stderr = now
