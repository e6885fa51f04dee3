"""Ctrl-C stays the command's: a model that sets SIGINT (or SIGTERM) aside is put back.

A model file that calls ``signal.signal(SIGINT, SIG_IGN)`` (at import, to keep a library's
worker pool quiet; or in a call) made Ctrl-C do nothing: the run went on to its end
(hostile39).  While a command runs (``held``, the command line's), the handlers of SIGINT and
SIGTERM the process had before the model's loading and before each of its calls on the main
thread (where alone a handler can be set) are put back after them (``kept``), as
``core.workdir`` puts back the command's folder: a Ctrl-C stops the run as it stops any.
An API call (``check_*``, ``resume_run``, ``verify_run``: ``core.call_exit``) is held the
same way (``restored``), and the handlers it started with are the process's again when it
returns or raises: a model that set Ctrl-C aside left a notebook whose cells no Ctrl-C
interrupted (left40).  Off the main thread nothing is read or set (a handler can be set on
the main thread only: an API call made from another thread runs as before).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from assay.core.running_count import Count

__all__ = ["SIGNALS", "held", "kept", "restored"]

# (and SIGHUP where there is one: the command line makes it a stop, ``cli.app``)
SIGNALS = (signal.SIGINT, signal.SIGTERM) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())
_commands = Count()  # commands (and API calls) running in this process (``held``)


def held() -> Count:
    """While a command runs: the handlers a model changes are put back (``kept``)."""
    return _commands


@contextmanager
def kept() -> Iterator[None]:
    """Around the model's loading or one of its calls: on the main thread while a command
    runs, each of ``SIGNALS`` whose handler the model changed is put back as it was."""
    if not _commands:
        yield
        return
    before = _handlers()
    try:
        yield
    finally:
        _put_back(before)


@contextmanager
def restored() -> Iterator[None]:
    """Around an API call: held as a command is (``kept`` acts within it), and on the main
    thread the handlers of ``SIGNALS`` it started with put back at its end, however it ends
    (a result, a model's error, an interrupt)."""
    before = _handlers()
    try:
        with held():
            yield
    finally:
        _put_back(before)


def _handlers() -> dict[int, Any]:
    """The handlers of ``SIGNALS`` now, on the main thread; none elsewhere (none to set)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.getsignal(sig) for sig in SIGNALS}


def _put_back(before: dict[int, Any]) -> None:
    for sig, handler in before.items():
        if handler is not None and signal.getsignal(sig) != handler:
            with suppress(ValueError, OSError, TypeError):
                signal.signal(sig, handler)
