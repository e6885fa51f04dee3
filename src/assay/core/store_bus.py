"""Words and exit 4, not a silent SIGBUS, when the run store's index is made unwritable
between ``core.store_index``'s ask and SQLite's write.

Each statement of a store asks first whether its index (``STORE-shm``, mapped by SQLite)
can still be written (ops48); a ``chattr +i`` landing after the ask, during the statement,
or during a background merge, killed the process by SIGBUS with no word (exit -7, or 135
from a shell).  While a writer has the store open, a handler of SIGBUS (a C-level one: a
handler of Python's own would run only after the faulting write returns, which it never
does) asks whether an index of a store open here can no longer be written: then it writes
the store's failure as the command says it (``assay: error: the run store failed: ...``,
with the run's resume line: its checkpoints committed before are in ``STORE-wal``) and
ends the process with exit 4 at once; nothing touches the store again.  What the command
can leave without the store is left first (``then``: the CLI's ``--junit`` file as one
error naming the failure, its other reports named as not written: ``cli.store_lost``; a CI
job reading only the JUnit file saw no file at all).  Any other bus error (a model's
library reading a file cut under it) is left to the handler there was before (Python's
fault handler: its dump, then the signal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["arm", "disarm", "then"]

EXIT_STORE = 4  # (the command's exit code for the store's failure: ``cli.app``)
# a store open to write (its ``id``) -> its absolute path, and the words its failure says
# now (the runs it runs named)
_WORDS: dict[int, tuple[str, Callable[[], str]]] = {}
_INSTALLED: list[Any] = []  # [the callback kept alive, the handler before]
# what the command leaves without the store, given the failure's words: more words ("" none)
_THEN: list[Callable[[str], str]] = []
_READY: list[Callable[[], object]] = []  # (``then``'s loading, done at the next ``arm``)
_SAYING = threading.Lock()  # (two threads' faults at once: the first one says it)


def arm(key: int, where: str, words: Callable[[], str]) -> None:
    """While the store ``key`` at ``where`` is open to write here: a SIGBUS finding its
    index unwritable says ``words()`` and exits 4."""
    _WORDS[key] = (where, words)
    if not _INSTALLED:
        _install()
    while _READY:  # (what ``then``'s calls need, loaded now: never in the handler)
        with contextlib.suppress(Exception):
            _READY.pop()()


def disarm(key: int) -> None:
    _WORDS.pop(key, None)


@contextlib.contextmanager
def then(leave: Callable[[str], str], ready: Callable[[], object]) -> Iterator[None]:
    """Within: a store lost to a SIGBUS calls ``leave(words)`` before the exit (it writes
    what needs no store: a file named on the command line) and says what it returns.  It
    runs inside the signal's handler: it must touch no store, import nothing (``ready``, run
    when a store is first opened to write, loads what it needs) and take no lock the
    faulting thread may hold."""
    _THEN.append(leave)
    _READY.append(ready)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _THEN.remove(leave)
        with contextlib.suppress(ValueError):
            _READY.remove(ready)


def _install() -> None:
    import ctypes  # (only once a store is opened to write)

    with contextlib.suppress(AttributeError, OSError, ValueError):
        libc = ctypes.CDLL(None, use_errno=True)
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_int)
        libc.signal.restype = ctypes.c_void_p
        libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
        callback = handler_type(_on_bus_error)
        before = libc.signal(int(signal.SIGBUS), ctypes.cast(callback, ctypes.c_void_p))
        if before == ctypes.c_void_p(-1).value:  # (SIG_ERR: left as it was)
            return
        _INSTALLED[:] = [callback, before, libc]


def _on_bus_error(signum: int) -> None:
    from assay.core.store_index import index_writable

    for where, words in list(_WORDS.values()):
        if not index_writable(where):
            if not _SAYING.acquire(blocking=False):  # (another thread says it: its exit)
                time.sleep(30.0)
                os._exit(EXIT_STORE)
            with contextlib.suppress(Exception):
                failure = words()
                said = f"assay: error: the run store failed: {failure}\n"
                os.write(2, said.encode("utf-8", "replace"))
                for leave in _THEN[-1:]:
                    if more := leave(failure):
                        os.write(2, f"{more}\n".encode("utf-8", "replace"))
            os._exit(EXIT_STORE)
    # another bus error: the handler before it (the fault repeats as the handler returns)
    _callback, before, libc = _INSTALLED
    libc.signal(signum, before)
