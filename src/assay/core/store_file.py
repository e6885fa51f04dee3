"""The run store's file: opening it read-only, refusing a database that is not a store,
hints when it cannot be written, and the transaction every checkpoint is written in."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from assay.core.kept_streams import own_stderr
from assay.core.store_conn import SharedConnection
from assay.core.terminal import shell_join, shell_word
from assay.errors import NotAStoreError, StoreError

__all__ = [
    "SCHEMA_VERSION",
    "Transaction",
    "damage_hint",
    "identity",
    "make_private",
    "nothing_beside",
    "open_another",
    "open_read_only",
    "refuse_foreign",
    "refused_write_hint",
    "say_upgraded",
    "schema_version",
    "why_not_writable",
]

# 4: a run's config in rows of its own (``configs``: an assay of schema 3 would read new runs
# without it); 3: strings and bytes deflated in blobs, large resume values deflated (an
# assay of schema 2 would misread them); 2: tallies and columnar witness blobs (1: every
# finding, np.savez)
SCHEMA_VERSION = 4


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the store's file; None when it cannot be told."""
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino) if st.st_ino else None


_DAMAGED = ("malformed", "not a database", "file is encrypted")


def damage_hint(path: Path | str, text: str) -> str:
    """What to do about a store SQLite finds damaged (``text``, its error): a CI cache
    restored cut short, a file overwritten; empty for any other error."""
    if not any(d in text.lower() for d in _DAMAGED):
        return ""
    here, saved, aside = (shell_word(f"{path}{end}") for end in ("", ".saved", ".damaged"))
    if not _sqlite_header(path):  # a CSV, a model, a report given as --store: no store at all
        return (
            "; it is not an SQLite database, and assay neither reads nor writes it: a data "
            "file, a model or a report given as --store? Give the run store's file, or a new "
            f"file name; if it was a store, it is damaged (overwritten): move it aside (mv "
            f"{here} {aside}) and the next run makes a new store there"
        )
    return (
        f"; the file is damaged (cut short, or overwritten), and assay neither reads nor writes "
        f"it: copy the runs that still read into a new store (assay salvage {here} {saved}), "
        f"then move it aside (mv {here} {aside}); the next run makes a new store there, or "
        "give another --store"
    )


def open_failed(path: Path | str, text: str, said: str) -> StoreError:
    """The error ``said`` for a store SQLite could not open with ``text``: a file SQLite
    finds no database that does not begin as one (a CSV, a model, a report given as
    --store) is no store at all, the user's mistake (``NotAStoreError``, exit 2); a damaged
    SQLite file, or any other failure, is the store's (exit 4)."""
    if any(d in text.lower() for d in _DAMAGED) and not _sqlite_header(path):
        return NotAStoreError(said)
    return StoreError(said)


def refused_write_hint(text: str, *, then: str) -> str:
    """Why the file system refused a write SQLite reports as ``text`` (a full disk, or an I/O
    error: SQLite says no more of why), and what to do ``then``; empty for any other error.
    Opening a new store under ``ulimit -f`` said "disk I/O error" and nothing else."""
    if "full" in text:
        return f"; free some space, then {then}"
    if "disk i/o error" in text.lower():
        return (
            "; the file system refused the write: a limit on file sizes (ulimit -f), the "
            "store's files made immutable (chattr +i), a network file system gone, a failing "
            f"disk; once fixed, {then}"
        )
    return ""


def make_private(path: Path) -> None:
    """Before a store is opened: the folders of ``path`` that do not exist made ``0700`` and
    the file, when it does not exist, made empty ``0600`` (SQLite gives its ``-wal`` and
    ``-shm`` the database file's mode): a store holds rows of the user's data set (its
    findings), not for every account of a shared machine.  What exists keeps its mode."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):  # (made meanwhile by another process)
            made.mkdir(mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    # (a store, a link or anything else there: opened as before)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, flags, 0o600))


def _sqlite_header(path: Path | str) -> bool:
    """Whether the file begins as every SQLite database does (an empty or unreadable one
    counts as one: it may be a store cut short)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return True
    return not head or head == b"SQLite format 3\x00"[: len(head)]


def why_not_writable(path: Path) -> str:
    """A hint when the store or its folder cannot be written (a read-only file, folder or
    file system: SQLite says only that it is 'unable to open database file')."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        # a file where a folder must be (SQLite's or mkdir's own words: 'File exists')
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            return f" ({blocking} is a file, not a folder: pass --store elsewhere)"
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return f" (its folder {folder} cannot be written: pass --store elsewhere)"
        if path.is_file() and not os.access(path, os.W_OK):
            return " (the file cannot be written: pass --store elsewhere)"
    except OSError:
        return ""
    return ""


def schema_version(value: Any, path: Path) -> int:
    """The store's schema version, from its ``meta`` row (a ``StoreError`` when it is not
    a number: a store damaged, or written by something else; or when it is newer than this
    assay understands)."""
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise StoreError(
            f"{path}: its schema version is {value!r}, not a number: the file was damaged "
            "or written by something other than assay"
        ) from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema {value} is newer than this assay understands "
            f"({SCHEMA_VERSION}); it was left as it is: upgrade assay, or give another --store"
        )
    return version


_SAID: set[str] = set()  # the stores whose upgrade this process said


def say_upgraded(path: Path, older: int) -> None:
    """Say on stderr, once a store, that this assay moved the store at ``path`` from schema
    ``older`` to its own: an assay of the older schema (another CI pipeline sharing the
    store, a colleague's older install) refuses it from now on, and the team is told why
    here rather than by that refusal.  (Any writer moves it, even ``assay prune`` with
    nothing to delete; read-only commands never do.)"""
    key = str(path.resolve())
    if key in _SAID:
        return
    _SAID.add(key)
    with contextlib.suppress(Exception):  # (a replaced stderr that cannot be written)
        own_stderr().write(
            f"assay: note: the run store {path} was made by an older assay (schema {older}); "
            f"it is now schema {SCHEMA_VERSION}, and an assay of schema {older} refuses it "
            'from now on ("store schema ... is newer than this assay understands"): '
            "upgrade assay wherever this store is shared\n"
        )


_OURS = {"meta", "runs", "findings", "state", "tallies", "configs"}


def refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """A ``StoreError`` when ``path`` is a SQLite database of something else (tables, but
    not assay's), or a store of a newer assay (or of a schema version that is not a number):
    it is left as it was, never given assay's tables nor switched to WAL."""
    names = {
        str(r[0])
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if names and "meta" not in names:
        others = sorted(names - _OURS)
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise NotAStoreError(
            f"{path}: a SQLite database, but not an assay run store (its tables: {shown}); "
            "it was left as it is: give another --store"
        )
    if "meta" in names:  # a store of a newer assay is read before anything is written to it:
        # its tables (renamed or dropped by that schema) were made again, and its journal
        # switched to WAL, before the refusal
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is not None:
            schema_version(row[0], path)


def open_another(path: Path) -> sqlite3.Connection:
    """One more connection to a store already open (made, upgraded) in this process, for a
    thread of its own (``RunStore._db``)."""
    try:
        return sqlite3.connect(
            str(path),
            timeout=30.0,
            isolation_level=None,
            check_same_thread=False,
            factory=SharedConnection,  # (closed by the store, from whichever thread)
        )
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the run store: {exc}") from exc


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (works on a read-only file or filesystem)."""
    try:
        if not path.is_file():
            if path.exists():
                raise NotAStoreError(
                    f"{path}: no run store here (not a file: a folder, a named pipe or a device)"
                )
            raise StoreError(f"{path}: no run store here")
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the run store: {exc.strerror or exc}") from exc
    uri = path.resolve().as_uri()
    last: Exception | None = None
    # mode=ro reads a live store (concurrent writers); immutable=1 needs no -shm file, for a
    # store on a read-only filesystem (where no one can be writing).  A mode=ro connection
    # to a store in WAL mode makes its -wal and -shm files and, being read-only, never
    # removes them: a store in a CI cache or a shared folder gained two files at each
    # `assay runs`.  Where nobody has them open now (neither is there) and the folder is
    # writable, a connection that may write but is told not to (query_only) reads it
    # instead: the last connection to close removes both, as a writer's does.
    queries = ["mode=ro", "immutable=1"]
    if nothing_beside(path):
        queries.insert(0, "mode=rw")
    for query in queries:
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(
                f"{uri}?{query}",
                uri=True,
                timeout=30.0,
                isolation_level=None,
                check_same_thread=False,
                factory=SharedConnection,  # (closed by the store, from whichever thread)
            )
            if query == "mode=rw":
                db.execute("PRAGMA query_only=ON")
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            db.execute("SELECT 1 FROM runs LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            last = exc
            if db is not None:
                db.close()
            if "no such table" in str(exc):
                raise NotAStoreError(f"{path}: not an assay run store (no runs in it)") from exc
            if "locked" in str(exc) or "busy" in str(exc):  # a live store, writers at work:
                # read without its WAL (immutable) it would lack their latest runs, silently
                raise StoreError(
                    f"{path}: cannot read the run store: {exc} (its writers held it for 30 s); "
                    "try again"
                ) from exc
            continue
        if row is not None:
            try:
                schema_version(row[0], path)  # (refused when newer than this assay)
            except StoreError:
                db.close()
                raise
        return db
    raise open_failed(
        path,
        str(last),
        f"{path}: cannot open the run store to read it: {last}{damage_hint(path, str(last))}",
    )


def nothing_beside(path: Path) -> bool:
    """Whether the store has no -wal or -shm file beside it (no connection has it open, and
    none left a WAL to replay) and its folder and file may be written."""
    try:
        beside = any(Path(f"{path}{end}").exists() for end in ("-wal", "-shm", "-journal"))
        return not beside and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    except OSError:
        return False


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT; any SQLite failure (a full disk) becomes a StoreError
    after the transaction is rolled back (SQLite may already have rolled it back).  Its
    advice names ``run_id``'s own resume command (a write of no one run: run again)."""

    def __init__(self, db: sqlite3.Connection, path: Path, run_id: str | None = None) -> None:
        self.db = db
        self.path = path
        self.run_id = run_id

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error as error:
                self._rollback()
                raise self._error(error) from error
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise self._error(exc) from exc

    def _rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled it back
                self.db.execute("ROLLBACK")

    def _error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        resume = ["assay", "resume", self.run_id or "", "--store", str(self.path)]
        then = f"continue the run with {shell_join(resume)}" if self.run_id else "run again"
        hint = refused_write_hint(text, then=then)
        if not hint and ("readonly" in text or "read-only" in text):
            hint = "; the store cannot be written (read-only file or filesystem): pass --store"
        elif not hint:
            hint = damage_hint(self.path, text)
        return StoreError(f"{self.path}: writing the run store failed: {text}{hint}")
