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
ends the process with exit 4 at once (no report is written; nothing touches the store
again).  Any other bus error (a model's library reading a file cut under it) is left to
the handler there was before (Python's fault handler: its dump, then the signal).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from typing import Any

__all__ = ["arm", "disarm"]

EXIT_STORE = 4  # (the command's exit code for the store's failure: ``cli.app``)
# a store open to write (its ``id``) -> its absolute path, and the words its failure says
# now (the runs it runs named)
_WORDS: dict[int, tuple[str, Callable[[], str]]] = {}
_INSTALLED: list[Any] = []  # [the callback kept alive, the handler before]


def arm(key: int, where: str, words: Callable[[], str]) -> None:
    """While the store ``key`` at ``where`` is open to write here: a SIGBUS finding its
    index unwritable says ``words()`` and exits 4."""
    _WORDS[key] = (where, words)
    if not _INSTALLED:
        _install()


def disarm(key: int) -> None:
    _WORDS.pop(key, None)


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
            with contextlib.suppress(Exception):
                said = f"assay: error: the run store failed: {words()}\n"
                os.write(2, said.encode("utf-8", "replace"))
            os._exit(EXIT_STORE)
    # another bus error: the handler before it (the fault repeats as the handler returns)
    _callback, before, libc = _INSTALLED
    libc.signal(signum, before)
