"""Ctrl-C stays the command's: a model that sets SIGINT (or SIGTERM) aside is put back.

A model file that calls ``signal.signal(SIGINT, SIG_IGN)`` (at import, to keep a library's
worker pool quiet; or in a call) made Ctrl-C do nothing: the run went on to its end
(hostile39).  While a command runs (``held``, the command line's), the handlers of SIGINT and
SIGTERM the process had before the model's loading and before each of its calls on the main
thread (where alone a handler can be set) are put back after them (``kept``), as
``core.workdir`` puts back the command's folder: a Ctrl-C stops the run as it stops any.
Outside a command (the Python API) the process's handlers are the program's own and are left
alone.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

__all__ = ["SIGNALS", "held", "kept"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_commands = [0]  # commands running in this process (``held``)


@contextmanager
def held() -> Iterator[None]:
    """While a command runs: the handlers a model changes are put back (``kept``)."""
    _commands[0] += 1
    try:
        yield
    finally:
        _commands[0] -= 1


@contextmanager
def kept() -> Iterator[None]:
    """Around the model's loading or one of its calls: on the main thread while a command
    runs, each of ``SIGNALS`` whose handler the model changed is put back as it was."""
    if not _commands[0] or threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[int, Any] = {sig: signal.getsignal(sig) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in before.items():
            if handler is not None and signal.getsignal(sig) != handler:
                with suppress(ValueError, OSError, TypeError):
                    signal.signal(sig, handler)
