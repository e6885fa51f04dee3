"""The caller's ``sys.stdout`` and ``sys.stderr`` are its own again when an API call ends.

A model that replaces ``sys.stdout`` or ``sys.stderr`` (a log file at import, a ``StringIO``
in a call to silence a library) left a notebook printing into the model's stream after
``assay.check_fairness`` returned or raised: the cell's prints and the next cell's vanished
(left40).  Each API call (``core.call_exit``) puts back the streams it started with, however
it ends.  The command line's are put back by its own ``cli.console.command_streams``, which
marks a command as running (``commanded``): an API call inside it leaves them to it (a
``--json`` command makes ``sys.stdout`` its stderr within the call, and keeps it so).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from assay.core.running_count import Count

__all__ = ["commanded", "restored"]

_commands = Count()  # command lines running in this process (``commanded``)


def commanded() -> Count:
    """While a command line runs: its streams are its own to put back."""
    return _commands


@contextmanager
def restored() -> Iterator[None]:
    """Around an API call: ``sys.stdout`` and ``sys.stderr`` as they were at its start when
    it ends (outside a command line)."""
    out, err = sys.stdout, sys.stderr
    try:
        yield
    finally:
        if not _commands:
            if sys.stdout is not out:
                sys.stdout = out
            if sys.stderr is not err:
                sys.stderr = err
