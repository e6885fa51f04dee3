"""A store's SQLite connection that one thread uses and another may close.

A ``RunStore`` gives each thread using it a connection of its own (``RunStore._db``), and
``close`` (or the store's finalizer) closes them all from whichever thread closes the
store.  CPython's ``Connection.close`` sets the connection's handle to NULL while a
statement of another thread may be under way (its ``sqlite3_step`` runs with the GIL let
go): that statement then reads the NULL handle, a SIGSEGV (beat52's gap 3: a web app's
thread reading a store as its main thread closes it).  Here every statement counts itself
in and out, and a close from any thread closes the connection at once only when none is
under way; otherwise the statement's own thread closes it as its statement ends, and its
next statement is refused as on any closed connection."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["SharedConnection"]


class SharedConnection(sqlite3.Connection):
    """``sqlite3.Connection`` (``sqlite3.connect``'s ``factory``) whose ``close``, from any
    thread, never lands inside one of its statements run by another thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = threading.Lock()
        self._running = 0  # statements under way (``execute``, ``executemany``, ...)
        self._closing = False

    def _enter(self) -> None:
        with self._guard:
            if self._closing:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            self._running += 1

    def _leave(self) -> None:
        with self._guard:
            self._running -= 1
            if self._closing and self._running == 0:
                super().close()  # (asked while this statement ran: closed as it ends)

    def _counted(self, run: Callable[..., sqlite3.Cursor], *args: Any) -> sqlite3.Cursor:
        self._enter()
        try:
            return run(*args)
        finally:
            self._leave()

    def execute(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self._counted(super().execute, *args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self._counted(super().executemany, *args)

    def executescript(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self._counted(super().executescript, *args)

    def close(self) -> None:
        """Closed now when no statement runs; else by the thread running it, as it ends."""
        with self._guard:
            self._closing = True
            if self._running == 0:
                super().close()
