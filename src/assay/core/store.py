"""The run store: one SQLite file (WAL mode) that never loses a committed finding.

Each checkpoint writes, in one transaction, the findings found since the previous one, the
search state needed to resume, and progress.  A run killed at any moment resumes from its
last checkpoint, with every finding committed up to then.

Findings are counted exactly (``tallies``: per kind, with a severity histogram) and their
witnesses kept up to the run's cap (``core.witnesses``), in the compact columnar encoding of
``core.columnar``; see docs/architecture.md, "The run store".
"""

from __future__ import annotations

import _thread
import contextlib
import json
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from assay.core.answer_missing import (
    ANSWER_FAILED,
    ANSWER_MISSING,
    KEPT_FOR_ANSWER,
    answer_said_missing,
)
from assay.core.checkpoint import Snapshot
from assay.core.checkpoint_env import checkpoint_seconds
from assay.core.columnar import is_columnar
from assay.core.config_cache import parsed_entry
from assay.core.findings import FindingBatch, to_jsonable
from assay.core.heartbeat import CUT, Heartbeat
from assay.core.message_secrets import redact_message
from assay.core.near_ids import near_ids
from assay.core.opened_within import opened
from assay.core.redact import redact_json, redact_text
from assay.core.run_record import RunRecord
from assay.core.runlock import (
    QUIET_SECONDS,
    RunBusy,
    RunLock,
    abandoned,
    foreign,
    held_runs,
    holder,
)
from assay.core.session_clock import (
    SESSION_CLOCK,
    SessionClock,
    killed_beating,
    of_this_session,
    session_rider,
)
from assay.core.setstate import (
    FRESH,
    Compactor,
    checkpoint_wal,
    compact,
    give_back,
    is_set_part,
    load_parts,
)
from assay.core.state_once import SAME, Row, appends_read, stored_once
from assay.core.store_blobs import (
    alike_groups,
    array_bytes,
    array_from,
    decode_batch,
    decode_witnesses,
    encode_batch,
    merge_alike,
    priorities_of,
    sorted_batch,
    values_bytes,
    values_from,
)
from assay.core.store_bus import arm, disarm
from assay.core.store_conn import SharedConnection
from assay.core.store_damage import DamagedRowError, stored_row
from assay.core.store_file import (
    SCHEMA_VERSION,
    Transaction,
    damage_hint,
    identity,
    make_private,
    nothing_beside,
    open_another,
    open_failed,
    open_read_only,
    refuse_foreign,
    refused_write_hint,
    say_upgraded,
    schema_version,
    why_not_writable,
)
from assay.core.store_index import (
    index_writable,
    keep_open,
    lost,
    lost_error,
    mark_lost,
    unwritable_beside,
)
from assay.core.store_legacy import adopt
from assay.core.terminal import shell_word
from assay.core.unfinished import KEY as UNFINISHED_KEY
from assay.core.wal_alone import keep_wal_alone
from assay.core.witnesses import DEFAULT_KEEP, MUST_KEEP, TIE, Tallies
from assay.errors import NotAStoreError, StoreError, UsageError

__all__ = [
    "DEFAULT_KEEP",
    "DEFAULT_STORE",
    "RunRecord",
    "RunStore",
    "close_open_stores",
    "is_default_store",
    "new_run_id",
    "open_stores",
    "run_store",
]

DEFAULT_STORE = Path(".assay") / "runs.db"
_COMPACT_SLACK = 4096  # dead provisional witnesses tolerated beyond twice the kept set

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    technique TEXT NOT NULL,
    status TEXT NOT NULL,
    seed INTEGER NOT NULL,
    command TEXT NOT NULL,
    config TEXT NOT NULL,
    model TEXT NOT NULL,
    versions TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}',
    summary TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    max_severity REAL NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS state (
    run_id TEXT NOT NULL REFERENCES runs(id),
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    part TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, name, seq)
);
CREATE TABLE IF NOT EXISTS tallies (
    run_id TEXT PRIMARY KEY REFERENCES runs(id),
    data TEXT NOT NULL
);
-- a run's config, one row per top-level entry (its order kept by rowid); ``runs.config``
-- holds the config of runs stored before (schema 3 and older), read beneath these rows
CREATE TABLE IF NOT EXISTS configs (
    run_id TEXT NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
-- the newest runs without a scan: ``created`` follows the large columns, so a scan in its
-- order reads every run's summary (``assay runs`` on a store of thousands of runs)
CREATE INDEX IF NOT EXISTS runs_by_created ON runs(created);
"""

# a run's columns of JSON, read whole or left empty (``RunStore.get_run``)
_WHOLE = "config, model, versions, progress, summary"
_BRIEF = "'{}', '{}', '{}', '{}', '{}'"


def _picked(keys: Sequence[str]) -> str:
    """SQL giving a JSON array of the summary's values at ``keys`` (null where missing)."""
    for key in keys:
        if not key.replace("_", "").isalnum():
            raise ValueError(f"not a summary key: {key!r}")
    paths = [f"'$.{k}'" for k in keys]
    if len(paths) == 1:  # (json_extract of one path gives the value, of two an array)
        paths.append("'$.__none__'")
    return f"json_extract(summary, {', '.join(paths)})"


STATUSES = (
    "running",
    "completed",
    "budget_exhausted",
    "failed",
    "interrupted",
    "model_unavailable",
)
ENDED = ("completed", "budget_exhausted")
# freed pages: overwritten only where that costs no I/O (the vacuums remove the rest)
SECURE_DELETE = "FAST"


def _bytes_each(batch: FindingBatch) -> float:
    """The bytes one finding of ``batch`` takes in the store, measured on its first 64 (the
    witness cap in bytes: ``Tallies.bound_bytes``)."""
    n = min(len(batch), 64)
    if not n:
        return 0.0
    part = batch if n == len(batch) else batch.select(np.arange(len(batch)) < n)
    return len(encode_batch(part, np.arange(n, dtype=np.int64), provisional=False)) / n


def new_run_id(technique: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{technique}-{stamp}-{os.urandom(2).hex()}"


class RunStore:
    """Runs, their findings and their resumable state, in one SQLite file."""

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_STORE,
        *,
        read_only: bool = False,
        compaction: str = "background",
    ) -> None:
        """``compaction``: how the resume state's sorted sets are merged as they grow
        (``core.setstate``): on a background thread, ``inline`` after each checkpoint (tests),
        or ``off``."""
        if compaction not in ("background", "inline", "off"):
            raise ValueError(f"compaction must be background, inline or off, not {compaction!r}")
        self.path = Path(path).expanduser()  # (a path written with ~, from Python too)
        self.read_only = read_only
        self.compaction = compaction
        self._compactors: dict[str, Compactor] = {}
        self._tallies: dict[str, Tallies] = {}
        self._locks: dict[str, RunLock] = {}  # the runs this store object runs (``claim``)
        # config entries written with each checkpoint of a run (``ride``)
        self._riders: dict[str, dict[str, Callable[[], Any]]] = {}
        self._hearts: dict[str, Heartbeat] = {}  # the runs' session clocks beating (``_beat``)
        # each claimed run's stored session clock as the claim found it (``unclaim``)
        self._clock_at_claim: dict[str, str | None] = {}
        self._identity: tuple[int, int] | None = None  # the file opened (``_check_still_there``)
        self._beside: dict[str, tuple[int, int] | None] = {}
        self.thread = threading.current_thread()  # the thread whose runs it serves (``run_store``)
        self._theirs = threading.local()  # other threads' connections (``_db``)
        self._others: list[sqlite3.Connection] = []
        self._others_lock = threading.Lock()
        self._where = os.path.abspath(self.path)  # (``_lost_here``: the same file, cwd aside)
        # an index this process maps writable (or makes): watched before each statement
        self._mapped = index_writable(self.path)
        self._kept = False  # (its connections kept open for good: ``_index_lost``)
        if lost(self._where):  # (its index mapped here, unwritable: ``core.store_index``)
            raise lost_error(self.path)
        if read_only:
            self._conn = open_read_only(self.path)
            _OPEN.add(self)
            opened(self)  # (held by the API call that opened it until it closes it)
            return
        _lost_here(self._where)  # (before ``make_private`` makes a new file there)
        if self.path.is_dir():
            raise NotAStoreError(
                f"{self.path}: is a folder, not a run store file; give a file, e.g. "
                f"--store {self.path / 'runs.db'}"
            )
        if self.path.exists() and not self.path.is_file():
            # (a named pipe or a device was opened and refused as "the file system refused
            # the write: a limit on file sizes (ulimit -f)")
            raise NotAStoreError(
                f"{self.path}: is not a file (a named pipe, a device or a socket), not a run "
                "store file; give a file, e.g. --store runs.db"
            )
        beside = unwritable_beside(self.path)
        if beside is not None:  # (SQLite opened it and refused the first write, unexplained)
            raise StoreError(
                f"{self.path}: cannot open the run store: {beside} cannot be written (made "
                f"immutable, chattr +i, or read-only; lsattr {shell_word(str(beside))} shows "
                f"an i): make it writable (chattr -i {shell_word(str(beside))}), then run the "
                "command again"
            )
        try:
            keep_wal_alone(self.path)  # (a WAL left without its store: moved aside, said)
            make_private(self.path)  # a new store is its user's alone (0700 / 0600)
            # a run's periodic checkpoints are written on a background thread, one at a time
            # (``core.run``): the connection is used by one thread at a time, not always the same
            self._conn = sqlite3.connect(
                str(self.path),
                timeout=30.0,
                isolation_level=None,
                check_same_thread=False,
                factory=SharedConnection,  # (its close waits for another thread's statement)
            )
            refuse_foreign(self._db, self.path)  # before anything is written to it
            # a new file gives back the pages of deleted resume state (takes effect only
            # before the first table is made; set on a store that has them, it wrote a page
            # to the log of a store a refused command must leave byte for byte as it was)
            if self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            # freed pages are not zeroed through the WAL (see ``_drop_state``)
            self._db.execute(f"PRAGMA secure_delete={SECURE_DELETE}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA journal_size_limit=16777216")  # WAL kept <= 16 MB
            # the tables and the schema version appear together (a kill between two CREATEs
            # would leave a store no one can read)
            self._db.executescript(
                "BEGIN IMMEDIATE;\n"
                + _SCHEMA
                + f"INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA_VERSION}');\nCOMMIT;"
            )
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                raise StoreError(f"{self.path}: the run store has no schema version")
            older = schema_version(row[0], self.path)
            if older < SCHEMA_VERSION:
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
                say_upgraded(self.path, older)
        except (sqlite3.Error, OSError) as exc:
            hint = (
                damage_hint(self.path, str(exc))
                or refused_write_hint(str(exc), then="run the command again")
                or why_not_writable(self.path)
            )
            said = f"{self.path}: cannot open the run store: {exc}{hint}"
            raise open_failed(self.path, str(exc), said) from exc
        self._identity = identity(self.path)
        # its log and index beside it, this connection's (``_check_still_there``)
        self._beside = {s: identity(Path(f"{self.path}{s}")) for s in BESIDE}
        _OPEN.add(self)
        opened(self)  # (held by the API call that opened it until it closes it)
        me = weakref.ref(self)
        # a SIGBUS of its index made unwritable after the ask: its words, exit 4
        arm(id(self), self._where, partial(_lost_words, me, self.path))

    def close(self) -> None:
        _OPEN.discard(self)
        disarm(id(self))
        self._stop_beating()
        for run_id in list(self._clock_at_claim):
            self._put_back_clock(run_id)
        self._stop_compaction()
        if self._index_lost():  # (closing writes the index: SIGBUS)
            for lock in self._locks.values():
                lock.release(keep_file=True)  # (stalled at once, as ``give_up`` leaves it)
            self._locks.clear()
            return
        for lock in self._locks.values():
            lock.let_go()  # (a run left 'running' reads as stalled at once)
        self._locks.clear()
        with self._others_lock:
            others, self._others = self._others, []
        for db in others:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        self._conn.close()

    def _index_lost(self) -> bool:
        """Whether this store's index became unwritable under this process
        (``core.store_index``): its connections, and every store's at its path in this
        process, are then kept open and never used again."""
        if not lost(self._where):
            if not self._mapped or index_writable(self.path):
                return False
            mark_lost(self._where)
        for store in [self, *_OPEN]:
            if store._where == self._where and not store._kept:
                store._kept = True
                for db in [getattr(store, "_conn", None), *getattr(store, "_others", [])]:
                    keep_open(db)
                _OPEN.discard(store)
        return True

    def __del__(self) -> None:
        # a store dropped without ``close`` (a notebook's, or a command's read-only one):
        # its connection sits in a reference cycle of its own (sqlite3's statement cache),
        # so without this it stayed open until a garbage collection, its write-ahead log
        # beside the file
        try:
            disarm(id(self))
            # its beats stopped, their threads ended, before any connection is closed: a
            # beat under way (its heart reaches the store being finalized: its weak
            # reference still answers) ran its statement on the connection closed here, a
            # SIGSEGV (beat52: ``check_backdoor``'s store dropped as it returned, beating)
            if hasattr(self, "_hearts"):
                self._stop_beating()
            if hasattr(self, "_kept") and self._index_lost():
                return
            for db in [getattr(self, "_conn", None), *getattr(self, "_others", [])]:
                if db is not None:
                    with contextlib.suppress(Exception):
                        db.close()
        except KeyboardInterrupt:
            # a Ctrl-C (or the command line's SIGTERM) landing in a finalizer: Python printed
            # it as a traceback and dropped it; raised again where the program runs, once
            # the finalizer has returned (from another thread: raised in this one it would
            # land in this finalizer again) (ops45)
            again = threading.Timer(0.05, _thread.interrupt_main)
            again.daemon = True
            again.start()

    # -- which connection: the opening thread's, or one of each other thread's own ------------
    @property
    def _db(self) -> sqlite3.Connection:
        """The connection this thread's statements go through: the store's own in the thread
        that opened it (and in its run's checkpoint thread, which ``lend`` lets in); in any
        other thread (the caller's own: ``list_runs``, ``delete_runs`` while a run of this
        store checkpoints) one of that thread's own to the same file, opened on its first
        use and closed with the store.  One SQLite connection serves one transaction at a
        time: shared, a thread's statement landed inside another thread's transaction (a
        run's checkpoint failed, "SQL statements in progress", the run left running)."""
        if self._index_lost():
            raise lost_error(self.path, self.claims())
        if threading.current_thread() is self.thread or getattr(_LENT, "store", None) is self:
            return self._conn
        db: sqlite3.Connection | None = getattr(self._theirs, "db", None)
        if db is None:
            db = self._theirs.db = self._connect_another()
        return db

    def _connect_another(self) -> sqlite3.Connection:
        db = open_read_only(self.path) if self.read_only else open_another(self.path)
        db.execute(f"PRAGMA secure_delete={SECURE_DELETE}")
        with self._others_lock:
            self._others.append(db)
        return db

    @contextlib.contextmanager
    def lend(self) -> Iterator[None]:
        """Within the block this thread uses the store's own connection: a run's checkpoint
        thread, writing for the run's thread while that thread leaves the store alone."""
        before = getattr(_LENT, "store", None)
        _LENT.store = self
        try:
            yield
        finally:
            _LENT.store = before

    # -- who runs a run: one process at a time (``core.runlock``) ------------------------------
    def claim(self, run_id: str, *, session: bool = True) -> None:
        """Own the run (create it or resume it) until it ends, the store is closed or the
        process ends; ``UsageError`` when another process owns it.  ``session``: a session
        that runs it (not a deletion), whose seconds ride its writes."""
        if run_id in self._locks:
            self._locks[run_id].activate()
            return
        self._not_another_hosts(run_id)
        lock = RunLock(self.path, run_id, partial(_running_in, str(self.path), run_id))
        try:
            lock.acquire()
        except RunBusy as exc:
            raise UsageError(
                f"run {run_id} is being run by {exc.owner}; one at a time: wait "
                f"for it to end, or stop it (Ctrl-C) and resume then",
                argument="RUN_ID",
            ) from None
        lock.activate()
        self._locks[run_id] = lock
        if session:
            self._ride_session(run_id)

    def _ride_session(self, run_id: str) -> None:
        """A run resumed (claimed, stored already): this session's seconds ride its writes
        (``core.session_clock``), after the earlier sessions' as a resume counts them, and
        a heartbeat writes them between.  A store object kept from call to call (a notebook's
        ``RunStore``) resuming a run an earlier call of it ran rode that call's clock on (its
        idle seconds since counted as the run's, its session's name the earlier call's) with
        no heartbeat: killed, the resumed session lost every second after its last write."""
        riding = self._riders.get(run_id, {}).get(SESSION_CLOCK)
        if isinstance(riding, SessionClock) and of_this_session(riding):
            clock = riding  # (this call claims it again: its clock goes on)
        else:
            try:
                record = self.get_run(run_id)
            except (UsageError, StoreError, sqlite3.Error):
                return  # (a new run: ``create_run`` rides it)
            clock = session_rider(self._before(record))
            self._clock_at_claim[run_id] = self._stored_clock(run_id)
        self._beat(run_id, clock)
        self._start_beating(run_id)

    def _before(self, record: Any) -> float:
        """The seconds of ``record``'s earlier sessions, for a session that claims it; its
        last session killed while it beat is counted (``sessions_cut``) as it rides."""
        from assay.core.runinfo import earlier_wall_seconds

        kept = record.config.get(SESSION_CLOCK)
        if of_this_session(kept) and isinstance(kept[0], int | float):
            return float(kept[0])  # (this call's own, written before it let go of the run)
        said = (record.summary or {}).get("wall_seconds")  # (a fairness run's own figure)
        before = earlier_wall_seconds(record)
        if isinstance(said, int | float) and not isinstance(said, bool):
            before = max(before, float(said))
        cut = killed_beating(record.config, record.status)  # (its last session killed)
        if cut:
            was = record.config.get(CUT)
            n, added = (was[0], was[1]) if isinstance(was, list) and len(was) > 1 else (0, 0.0)
            counted = [int(n) + 1, round(float(added) + cut, 3)]
            self.ride(record.id, CUT, lambda: counted)
        return before

    def _beat(self, run_id: str, clock: SessionClock) -> None:
        """``clock`` rides the run's writes, and a heartbeat writes it every second between
        them (``core.heartbeat``) until the session stops."""
        self.ride(run_id, SESSION_CLOCK, clock)
        if self.read_only or run_id in self._hearts:
            return
        me = weakref.ref(self)

        def beat() -> None:
            store = me()
            if store is None:
                raise LookupError("the store is gone")
            store._write_beat(run_id, clock)

        def end() -> None:
            store = me()
            if store is not None:
                store._close_thread_own()

        clock.heart = self._hearts[run_id] = Heartbeat(beat, end=end)

    def _close_thread_own(self) -> None:
        """Close this thread's own connection (``_db``), the thread ending: a heartbeat's,
        one a session (a long-lived store object resuming run after run kept them all
        open until it closed).  Never one whose index is lost (closing it: SIGBUS)."""
        db = getattr(self._theirs, "db", None)
        if db is None or self._index_lost():
            return
        self._theirs.db = None
        with self._others_lock:  # (closed by whoever takes it from the list: once)
            mine = db in self._others
            if mine:
                self._others.remove(db)
        if mine:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def _write_beat(self, run_id: str, clock: SessionClock) -> None:
        """One beat: the session's clock row alone, through this thread's own connection,
        waiting for no writer (a busy store: the next beat writes it).  A store file deleted
        or replaced since it was opened ends the beats (a write through this connection would
        land in the log a replacing store reads as its own: ops47); the run's own next write
        says so (``_check_still_there``)."""
        if self._identity is not None and identity(self.path) != self._identity:
            raise StoreError(f"{self.path}: the run store file was deleted or replaced")
        db = self._db
        try:
            db.execute("PRAGMA busy_timeout=100")
            db.execute(
                "UPDATE configs SET value=? WHERE run_id=? AND key=?",
                (json.dumps(clock()), run_id, SESSION_CLOCK),
            )
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise

    def _start_beating(self, run_id: str) -> None:
        heart = self._hearts.get(run_id)
        if heart is not None and heart.beating:
            with contextlib.suppress(RuntimeError):  # (started already)
                heart.start()

    def stop_beating(self, run_id: str) -> None:
        """This session no longer works on the run (it failed): no more beats, and its next
        write gives its clock as stopped in words (``core.heartbeat``)."""
        self._stop_beating(run_id)

    def _end_session(self, run_id: str) -> None:
        """This session no longer runs the run: its clock no longer rides the run's writes
        (a later call of this store object resuming it rides its own: ``_ride_session``)."""
        self._stop_beating(run_id)
        for key in (SESSION_CLOCK, CUT):
            self.ride(run_id, key, None)

    def _stop_beating(self, run_id: str | None = None) -> None:
        """The session stops: no more beats of its run (``run_id``; None: every run's), each
        heart's thread ended (its connection closed on it) before this returns; a heart is
        forgotten only once stopped (an interrupt in its stop leaves it for ``close``)."""
        for rid in [run_id] if run_id is not None else list(self._hearts):
            heart = self._hearts.get(rid)
            if heart is not None:
                heart.stop()
                if self._hearts.get(rid) is heart:
                    del self._hearts[rid]

    def _not_another_hosts(self, run_id: str) -> None:
        """Refuse a run whose lock file names another host's process while the run is
        still checkpointing (within ``QUIET_SECONDS`` of its last): a store shared by two
        hosts may sit on a file system whose locks each host keeps to itself, and then
        that process may be alive whatever the lock says here (taking it, two processes
        would run one run into one store).  Past that quiet time it is taken as stalled."""
        owner = foreign(self.path, run_id)
        if owner is None:
            return
        try:
            record = self.get_run(run_id, brief=True)
        except UsageError:
            return  # (no such run yet: a new run's id)
        quiet = time.time() - record.updated
        if record.status == "running" and quiet < QUIET_SECONDS:
            raise UsageError(
                f"run {run_id} is being run by {owner}, another host (its last checkpoint "
                f"{quiet:.0f} s ago); its lock cannot be checked from here, so it is taken "
                f"to be running until {QUIET_SECONDS:.0f} s pass without a checkpoint: wait "
                "for it to end, or if that process is gone, resume a minute after its "
                "last checkpoint",
                argument="RUN_ID",
            )

    def owner(self, run_id: str) -> str | None:
        """The process running the run now (``process N on host H since ...``), if any."""
        if run_id in self._locks:
            return f"this process ({os.getpid()})"
        return holder(self.path, run_id)

    def abandoned(self, run_id: str) -> bool:
        """Whether the run's process died while it ran (its lock file left, nobody holding it)."""
        return run_id not in self._locks and abandoned(self.path, run_id)

    def give_up(self, run_id: str) -> None:
        """This process stops running the run without recording it (its store failed: a
        full disk): the run stays 'running' in the store, and its lock file is left held by
        nobody, as after a kill, so that ``assay runs`` shows it stalled (and ``prune``,
        ``delete`` and ``resume`` treat it so) at once, not a minute later; no more beats
        (another process may resume it now)."""
        self._end_session(run_id)
        self._stop_compaction(run_id)
        lock = self._locks.pop(run_id, None)
        if lock is not None:
            lock.release(keep_file=True)

    def claimed(self, run_id: str) -> bool:
        """Whether this store holds the run (``claim``)."""
        return run_id in self._locks

    def claims(self) -> frozenset[str]:
        """The runs this store holds (``claim``)."""
        return frozenset(self._locks)

    def let_go(self, run_id: str) -> None:
        """This process no longer runs the run (the API call that ran it returned or raised:
        ``core.call_exit``): its lock let go of, as ``close`` lets go of each of its runs'."""
        self._end_session(run_id)
        self._put_back_clock(run_id)
        self._stop_compaction(run_id)
        lock = self._locks.pop(run_id, None)
        if lock is not None:
            lock.let_go()

    def unclaim(self, run_id: str) -> None:
        """Let go of a run claimed and refused before it ran (a resume whose checks failed):
        another process may resume it at once.  The store is left as the claim found it: a
        beat of the refused session's clock (a check slower than a beat's period, at CI
        load) is put back."""
        self._end_session(run_id)
        self._release(run_id)

    def _put_back_clock(self, run_id: str) -> None:
        """A session that claimed the run and let go of it with no write but its beats (a
        resume refused by its checks, CI run 185: a beat came before the refusal at load
        ~25): the stored session clock as the claim found it.  Its beats stopped first."""
        was = self._clock_at_claim.pop(run_id, None)
        if was is None or self.read_only or self._index_lost():
            return
        if self._stored_clock(run_id) != was:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute(
                    "UPDATE configs SET value=? WHERE run_id=? AND key=?",
                    (was, run_id, SESSION_CLOCK),
                )

    def _stored_clock(self, run_id: str) -> str | None:
        """The run's session clock entry as stored (its JSON text; None: none)."""
        try:
            rows = self._db.execute(
                "SELECT value FROM configs WHERE run_id=? AND key=?", (run_id, SESSION_CLOCK)
            ).fetchall()
        except sqlite3.Error:
            return None
        return str(rows[0][0]) if rows else None

    def _release(self, run_id: str) -> None:
        self._stop_beating(run_id)
        self._put_back_clock(run_id)
        lock = self._locks.pop(run_id, None)
        if lock is not None:
            lock.release()

    def _stop_compaction(self, run_id: str | None = None, *, abandon: bool = False) -> None:
        for rid in [run_id] if run_id is not None else list(self._compactors):
            c = self._compactors.pop(rid, None)
            if c is not None:
                c.stop(abandon=abandon)

    def _compact_sets(self, run_id: str) -> None:
        """Merge the run's set chunks now (inline) or wake the background merger."""
        if self.compaction == "inline":
            try:
                compact(self._db, run_id)
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: merging resume state failed: {exc}") from exc
        elif self.compaction == "background":
            c = self._compactors.get(run_id)
            if c is None:
                c = self._compactors[run_id] = Compactor(self.path, run_id)
            c.wake()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ----------------------------------------------------------------------------
    def create_run(
        self,
        *,
        run_id: str,
        technique: str,
        seed: int,
        command: str,
        config: dict[str, Any],
        model: dict[str, Any],
        versions: dict[str, Any],
        keep_findings: int | None = DEFAULT_KEEP,
    ) -> None:
        """A new run.  ``keep_findings``: witnesses kept per kind of finding (None: all);
        every finding is counted either way (``core.witnesses``)."""
        checkpoint_seconds()  # (a mistyped ASSAY_CHECKPOINT_SECONDS: refused before the run)
        now = time.time()
        # credentials (a URL's password, an api_key parameter) are never stored
        command, config, model = redact_text(command), redact_json(config), redact_json(model)
        tallies = Tallies(keep_findings, seed)
        self.claim(run_id)
        # this session's seconds, written with each of its writes (``core.session_clock``)
        self._beat(run_id, clock := session_rider(0.0))
        config = {**config, SESSION_CLOCK: clock()}
        with self._tx(run_id):
            self._db.execute(
                "INSERT INTO runs (id, technique, status, seed, command, config, model, versions,"
                " created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    technique,
                    "running",
                    int(seed),
                    command,
                    "{}",  # (its entries in ``configs``: see ``_write_config``)
                    json.dumps(to_jsonable(model)),
                    json.dumps(to_jsonable(versions)),
                    now,
                    now,
                ),
            )
            self._db.execute(
                "INSERT INTO tallies VALUES (?, ?)", (run_id, json.dumps(tallies.to_json()))
            )
            self._write_config(run_id, to_jsonable(config))
        self._tallies[run_id] = tallies
        self._start_beating(run_id)

    def checkpoint(
        self,
        run_id: str,
        *,
        findings: Sequence[FindingBatch] = (),
        snapshot: Snapshot | None = None,
        progress: dict[str, Any] | None = None,
        status: str | None = None,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        """Commit new findings, state, progress and status together, or none of them."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        if error is not None:
            error = redact_message(error)
        self._check_still_there()
        # a search that ended with parts still to come (a fairness run's answer, the
        # determinism section, ...: ``core.unfinished``) is still this process's until they
        # are added or it lets go of the run (``close``, ``let_go``): a resume or a delete
        # from another process then would finish it twice, or delete it under its command
        follows = status in ENDED and _still_to_come(summary)
        if status == "running":  # (re)starting it: this process's alone (``claim``)
            self.claim(run_id)
        elif status is not None:  # the run stops here (for now): no merge may outlive it
            self._stop_compaction(run_id, abandon=status in ENDED)
            if run_id in self._locks and not follows:
                self._stops_here(run_id)
        elif self._last_part(run_id, summary):  # (what followed its search: all added)
            self._stops_here(run_id)
        try:
            with self._tx(run_id):
                self._checkpoint(run_id, findings, snapshot, progress, status, summary, error)
                self._write_riders(run_id)
        except BaseException:
            self._tallies.pop(run_id, None)  # reloaded from the store next time
            raise
        if status in ENDED:
            self._drop_state(run_id)
            if not follows:  # (an ended run with nothing to add is never resumed)
                self._release(run_id)
        elif status is None and snapshot is not None and snapshot.sets:
            self._compact_sets(run_id)

    def ride(self, run_id: str, key: str, value: Callable[[], Any] | None) -> None:
        """From now on ``value()`` is written as the run's config entry ``key`` with each of
        its checkpoints, in their transaction (None: no longer): what this process counts
        as it goes (a served model's requests) is in the store to the last checkpoint
        when the process is killed."""
        riders = self._riders.setdefault(run_id, {})
        if value is None:
            riders.pop(key, None)
        else:
            riders[key] = value

    def _write_riders(self, run_id: str) -> None:
        self._clock_at_claim.pop(run_id, None)  # (the session writes: the run is its own)
        riding = self._riders.get(run_id, {}).get(SESSION_CLOCK)
        if run_id not in self._locks and riding is not None and not of_this_session(riding):
            self._end_session(run_id)  # (an earlier call's clock: never written past its call)
        entries: dict[str, Any] = {}
        for key, value in self._riders.get(run_id, {}).items():
            with contextlib.suppress(Exception):  # (a count must never fail a checkpoint)
                entries[key] = to_jsonable(value())
        if entries:
            self._write_config(run_id, entries)

    def clear_error(self, run_id: str) -> None:
        """The run's error taken away (a run finished after a failed try: stale)."""
        self._check_still_there()
        with self._tx(run_id):
            self._db.execute("UPDATE runs SET error=NULL WHERE id=?", (run_id,))

    def set_budget(self, run_id: str, **changes: Any) -> None:
        """Change entries of a stored run's budget (``config["budget"]``: e.g. a resume given
        a longer ``call_timeout``); later resumes read the new values."""
        record = self.get_run(run_id, brief=True)  # (a unique prefix will do)
        rows = list(self._config_rows(record.id, "budget"))
        if rows:
            budget = json.loads(rows[0][1]) or {}
        else:  # (a run stored before its config had rows of its own, or none kept)
            budget = self.get_run(record.id).config.get("budget") or {}
        self.set_config(record.id, budget={**dict(budget), **changes})

    def set_config(self, run_id: str, **changes: Any) -> None:
        """Change top-level entries of a stored run's config (``budget``; ``reports``: the
        files the command was asked to write, which the resume hints repeat); only their
        rows are written (a 13 MB grammar elsewhere in the config stays where it is)."""
        self._check_still_there()
        run_id = self.get_run(run_id, brief=True).id  # (a unique prefix will do)
        with self._tx(run_id):
            self._write_config(run_id, changes)
            self._write_riders(run_id)  # (what a process counts: kept at each write)

    def _write_config(self, run_id: str, entries: dict[str, Any]) -> None:
        """Store ``entries`` of the run's config, each in a row of its own (``configs``): a
        checkpoint rewrites the run's row (progress, summary), and a config held in it was
        rewritten with it each time (a grammar of 13 MB: 15 MB written a checkpoint, and
        as many left in the file's free pages)."""
        self._db.executemany(
            "INSERT INTO configs VALUES (?, ?, ?)"
            " ON CONFLICT (run_id, key) DO UPDATE SET value=excluded.value",
            [(run_id, str(k), json.dumps(v, default=str)) for k, v in entries.items()],
        )

    def _read_config(self, run_id: str, stored: str, *, lean: bool = False) -> dict[str, Any]:
        """The run's config: ``stored`` (its ``runs.config``: a run stored before its
        entries had rows of their own), then its rows, in the order first written; a large
        entry (a grammar's text) parsed once while it reads back the same
        (``core.config_cache``: a command read its run's 15 MB grammar 4 to 11 times)."""
        config = dict(parsed_entry(run_id, "", stored))
        for key, value in self._config_rows(run_id, lean=lean):
            config[key] = parsed_entry(run_id, key, value)
        return config

    def _config_rows(
        self, run_id: str, key: str | None = None, *, lean: bool = False
    ) -> Iterator[tuple[str, str]]:
        """The run's config rows (``key``'s alone), in the order first written: their keys
        sorted (the key's index), then each value read by its rowid (an ``ORDER BY`` of the
        values themselves wrote a 15 MB grammar to a temporary file at every read);
        ``lean``: without the parts ``LEAN`` names."""
        args: tuple[str, ...]
        if key is None:
            where, args = "run_id=?", (run_id,)
        else:
            where, args = "run_id=? AND key=?", (run_id, key)
        try:
            keys = self._db.execute(
                f"SELECT rowid, key FROM configs WHERE {where} ORDER BY rowid", args
            ).fetchall()
        except sqlite3.OperationalError as exc:  # (a store of schema 3 or older, read only)
            if "no such table" in str(exc):
                return
            raise
        for rowid, name in keys:
            if lean and name in LEAN:
                row = self._db.execute(
                    "SELECT json_remove(value, ?) FROM configs WHERE rowid=?", (LEAN[name], rowid)
                ).fetchone()
            else:
                row = self._db.execute(
                    "SELECT value FROM configs WHERE rowid=?", (rowid,)
                ).fetchone()
            if row is not None:
                yield name, row[0]

    def _check_still_there(self) -> None:
        """Raise ``StoreError`` when the store's file was deleted or replaced since it was
        opened (``rm -rf`` of the run's folder mid-run): SQLite would go on writing into the
        deleted file, and the run end in a store that no longer has it."""
        if self.read_only or self._identity is None:
            return
        if identity(self.path) != self._identity:
            self._drop_own_log()
            raise StoreError(
                f"{self.path}: the run store file was deleted or replaced while the run went on "
                "(what it held went with it); nothing more can be stored there"
            )

    def _drop_own_log(self) -> None:
        """The store's file was replaced (or deleted): remove the write-ahead log and its
        index that this connection made beside it, where they are still the same files.
        Left there, SQLite read them as the new file's (a store moved in over it by ``mv``
        or a CI cache's restore lost its runs to this run's pages, its own rows gone), and
        a new store made at a deleted one's path would start with them."""
        for suffix, made in self._beside.items():
            beside = Path(f"{self.path}{suffix}")
            if made is not None and made != (-1, -1) and identity(beside) == made:
                with contextlib.suppress(OSError):
                    beside.unlink()

    def drop_state(self, run_id: str) -> None:
        """Drop what the ended run ``run_id`` still keeps of its resume state (its answer's
        inputs, once its answer was added: ``_drop_state``); nothing when it keeps none."""
        row = self._db.execute(
            "SELECT 1 FROM state JOIN runs ON runs.id = state.run_id"
            " WHERE state.run_id=? AND runs.status IN (?, ?) LIMIT 1",
            (run_id, *ENDED),
        ).fetchone()
        if row is not None:
            self._drop_state(run_id)

    def _drop_state(self, run_id: str) -> None:
        """Delete an ended run's resume state (dead weight: an ended run is never resumed)
        and give its pages back to the file system.  With ``secure_delete`` off the freed
        pages are not overwritten (SQLite's ``SECURE_DELETE`` build, Debian's among them,
        wrote every one of them through the WAL: the store first grew by the whole state,
        and deleting 60 MB took 2.2 s); the vacuum that follows truncates them off the file
        or fills them with the live pages it moves, so no deleted content stays behind.
        Killed half-way, the rest goes when a run in this store next ends.  The appends
        its answer reads (``core.answer_missing.KEPT_FOR_ANSWER``) stay while the run's
        answer is missing, for its finish to read (``drop_state`` once it is added)."""
        with self._tx(run_id):
            self._db.execute(
                "DELETE FROM state WHERE rowid IN (SELECT state.rowid FROM state JOIN runs"
                " ON runs.id = state.run_id WHERE (state.run_id=? OR runs.status IN (?, ?))"
                " AND NOT (state.name GLOB ?"
                " AND COALESCE(json_extract(runs.summary, '$.incomplete_reason'), '') IN (?, ?)))",
                (run_id, *ENDED, f"*{KEPT_FOR_ANSWER}*", ANSWER_MISSING, ANSWER_FAILED),
            )
        give_back(self._db, checkpoint="TRUNCATE")  # (never past its size before)
        checkpoint_wal(self._db, "TRUNCATE")

    def delete_runs(self, run_ids: Sequence[str]) -> str | None:
        """Delete whole runs (their record, findings, tallies and resume state) in one
        transaction, then give their pages back to the file system (``give_back``; a store
        made before incremental vacuum is vacuumed whole), so that nothing of them stays in
        the file.  Each run is claimed first (``claim``): a run another process runs is
        refused (``UsageError`` naming it) before anything is deleted.  Returns a note when
        the space was not given back: a store made before incremental vacuum while another
        run writes it (its whole vacuum would hold that run's checkpoints off past their
        30 s: "database is locked"); the deleted rows are zeroed in the file then."""
        ids = list(dict.fromkeys(run_ids))
        mine = [i for i in ids if i not in self._locks]
        (mode,) = self._db.execute("PRAGMA auto_vacuum").fetchone()
        whole = int(mode) == 0  # a store from before incremental vacuum
        try:
            for run_id in ids:
                self.claim(run_id, session=False)
            for run_id in ids:
                self._stop_compaction(run_id, abandon=True)
            marks = ", ".join("?" * len(ids))
            if whole:  # (in case it cannot be vacuumed now: nothing of them left readable)
                self._db.execute("PRAGMA secure_delete=ON")
            with self._tx():
                for table in ("findings", "state", "tallies", "configs", "runs"):
                    col = "id" if table == "runs" else "run_id"
                    self._db.execute(f"DELETE FROM {table} WHERE {col} IN ({marks})", ids)
        finally:
            for run_id in mine:
                self._release(run_id)
            self._db.execute(f"PRAGMA secure_delete={SECURE_DELETE}")
        running = [r for r in held_runs(self.path) if r not in self._locks]
        try:
            if whole and running:
                return (
                    f"the space was not given back: this store was made before incremental "
                    f"vacuum and must be rewritten whole, which would hold off run "
                    f"{running[0]} (running now); prune again when no run is running"
                )
            if whole:  # rewritten whole, and incremental from then on
                self._db.execute("VACUUM")
            else:
                give_back(self._db, checkpoint="TRUNCATE")
            checkpoint_wal(self._db, "TRUNCATE")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: the runs were deleted, but their space was not given back: {exc}"
            ) from exc
        return None

    def _stops_here(self, run_id: str) -> None:
        """The run ends in this write: another thread may take it up, no more beats."""
        self._locks[run_id].deactivate()
        self._stop_beating(run_id)  # (its clock written as stopped in words)

    def _last_part(self, run_id: str, summary: dict[str, Any] | None) -> bool:
        """Whether ``summary`` adds the last part that followed the run's ended search
        (``core.unfinished``): the run stays claimed and beating until then, and stopped
        there (its ended status is stored already); it beat on until its store was closed
        (beat52's Left: a held store's run beat through its reports)."""
        if summary is None or run_id not in self._locks or _still_to_come(summary):
            return False
        try:
            row = self._db.execute("SELECT status FROM runs WHERE id=?", (run_id,)).fetchone()
        except sqlite3.Error:
            return False  # (the write says why)
        return row is not None and row[0] in ENDED

    def _checkpoint(
        self,
        run_id: str,
        findings: Sequence[FindingBatch],
        snapshot: Snapshot | None,
        progress: dict[str, Any] | None,
        status: str | None,
        summary: dict[str, Any] | None,
        error: str | None,
    ) -> None:
        batches = [b for b in findings if len(b)]
        durable = snapshot is not None or status in ENDED
        tallies = self._writer_tallies(run_id) if (batches or durable) else None
        dirty = bool(batches) or status in ENDED
        if batches:
            (seq,) = self._db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM findings WHERE run_id=?", (run_id,)
            ).fetchone()
            if not durable and tallies is not None and tallies.rollback is None:
                state = tallies.to_json()
                state.pop("rollback", None)
                tallies.rollback = {"tallies": state, "seq": seq}
            if tallies is not None:
                self._write_findings(run_id, tallies, batches, seq, compact=durable)
        if tallies is not None:
            if durable and tallies.rollback is not None:
                tallies.rollback = None
                dirty = True
            if status in ENDED:
                for kind, t in tallies.kinds.items():
                    if t.provisional:  # the final kept set, without dead witnesses
                        self._compact(run_id, tallies, kind)
            if dirty:
                self._db.execute(
                    "UPDATE tallies SET data=? WHERE run_id=?",
                    (json.dumps(tallies.to_json()), run_id),
                )
        if status not in ENDED and snapshot is not None:  # (ended: state dropped after)
            self._write_snapshot(run_id, snapshot)
        elif snapshot is not None and answer_said_missing((summary or {}).get("incomplete_reason")):
            # but what its answer, still to come, reads (``_drop_state`` keeps it)
            kept = {k: v for k, v in snapshot.appends.items() if KEPT_FOR_ANSWER in k}
            self._write_snapshot(run_id, Snapshot(appends=kept))
        sets: list[str] = ["updated=?"]
        args: list[Any] = [time.time()]
        if progress is not None:
            sets.append("progress=?")
            args.append(json.dumps(to_jsonable(progress)))
        if status is not None:
            sets.append("status=?")
            args.append(status)
        if summary is not None:
            sets.append("summary=?")
            args.append(json.dumps(to_jsonable(summary)))
        if error is not None:
            sets.append("error=?")
            args.append(error)
        args.append(run_id)
        self._db.execute(f"UPDATE runs SET {', '.join(sets)} WHERE id=?", args)

    # -- witnesses ---------------------------------------------------------------------------
    def _write_findings(
        self,
        run_id: str,
        tallies: Tallies,
        batches: Sequence[FindingBatch],
        seq: int,
        *,
        compact: bool = True,
    ) -> None:
        rows: list[tuple[Any, ...]] = []
        for b in merge_alike(batches):
            must = b.columns.get(MUST_KEEP)
            first = tallies.kind(b.kind)
            if tallies.keep is not None and not first.count and first.bytes_each is None:
                tallies.bound_bytes(b.kind, _bytes_each(b))  # before its first are counted
            sel = tallies.select(b.kind, b.severity, must)
            t = tallies.kind(b.kind)
            for mask, provisional in ((sel.permanent, False), (sel.provisional, True)):
                if not mask.any():
                    continue
                part = b if mask.all() else b.select(mask)
                blob = encode_batch(part, sel.indices[mask], provisional=provisional)
                rows.append((run_id, seq, b.kind, len(part), part.max_severity, blob))
                if provisional:
                    t.provisional.append(seq)
                seq += 1
        self._db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)", rows)
        for kind, t in tallies.kinds.items():
            room = 2 * (tallies.sample_of(kind) + t.top_n) + _COMPACT_SLACK
            if compact and t.written_provisional > room:
                self._compact(run_id, tallies, kind)

    def _compact(self, run_id: str, tallies: Tallies, kind: str) -> None:
        """Rewrite the provisional witnesses of ``kind`` without those no longer kept."""
        t = tallies.kind(kind)
        if not t.provisional:
            return
        marks = ",".join("?" * len(t.provisional))
        # one blob at a time, only its live witnesses kept (100,000 witnesses of 40 features
        # were decoded whole, twice the kept set, before any was dropped)
        kept: list[tuple[FindingBatch, np.ndarray]] = []
        for (data,) in self._db.execute(
            f"SELECT data FROM findings WHERE run_id=? AND seq IN ({marks})",
            (run_id, *t.provisional),
        ):
            b, idx = decode_batch(bytes(data))
            m = tallies.live(kind, idx, b.severity)
            if m.all():
                kept.append((b, idx))
            elif m.any():
                kept.append((b.select(m), idx[m]))
        self._db.execute(
            f"DELETE FROM findings WHERE run_id=? AND seq IN ({marks})", (run_id, *t.provisional)
        )
        t.provisional = []
        t.written_provisional = 0
        for group in alike_groups(kept):  # (one blob per group a batch can hold)
            merged = sorted_batch(group)
            if merged is None:
                continue
            batch, idx = merged
            (seq,) = self._db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM findings WHERE run_id=?", (run_id,)
            ).fetchone()
            blob = encode_batch(batch, idx, True)
            self._db.execute(
                "INSERT INTO findings VALUES (?,?,?,?,?,?)",
                (run_id, seq, kind, len(batch), batch.max_severity, blob),
            )
            t.provisional.append(seq)
            t.written_provisional += len(batch)

    def _read_tallies(self, run_id: str) -> Tallies | None:
        """The run's tallies; None for a run of a schema-1 store (every finding kept, no
        tallies table when such a store is opened read-only)."""
        try:
            row = self._db.execute("SELECT data FROM tallies WHERE run_id=?", (run_id,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        if row is None:
            return None
        with stored_row(self.path, run_id, "tallies (its counts of findings)"):
            return Tallies.from_json(json.loads(row[0]))

    def _writer_tallies(self, run_id: str) -> Tallies:
        """The run's tallies for writing: cached, or loaded with their samples rebuilt (a
        run of a schema-1 store, which kept every finding: adopted, ``core.store_legacy``)."""
        if run_id in self._tallies:
            return self._tallies[run_id]
        tallies = self._read_tallies(run_id)
        if tallies is None:
            tallies = adopt(
                self._db, run_id, lambda t, b, seq: self._write_findings(run_id, t, [b], seq)
            )
            self._db.execute(
                "INSERT OR REPLACE INTO tallies VALUES (?, ?)",
                (run_id, json.dumps(tallies.to_json())),
            )
        elif tallies.keep is not None:
            found: dict[str, list[np.ndarray]] = {}
            for (data,) in self._db.execute("SELECT data FROM findings WHERE run_id=?", (run_id,)):
                raw = bytes(data)
                if is_columnar(raw):
                    b, idx = decode_batch(raw)
                    found.setdefault(b.kind, []).append(idx)
            for kind, parts in found.items():
                t = tallies.kind(kind)
                if t.first_end is None:
                    continue
                idx = np.unique(np.concatenate(parts))
                idx = idx[idx >= t.first_end]
                prio = priorities_of(idx, tallies, kind)
                t.reservoir = prio[t.in_sample(prio)] if tallies.sample_of(kind) else t.reservoir
        self._tallies[run_id] = tallies
        return tallies

    def truncate_findings(self, run_id: str, keep: int) -> None:
        """Go back to the run's first ``keep`` findings: those committed with its last
        snapshot (findings a failing run committed after it are found again on resume).
        Counts and kept witnesses return to what they were then."""
        tallies = self._read_tallies(run_id)
        if tallies is None:  # a schema-1 run: drop its last batches
            with self._tx(run_id):
                rows = self._db.execute(
                    "SELECT seq, n FROM findings WHERE run_id=? ORDER BY seq", (run_id,)
                ).fetchall()
                total = 0
                for seq, n in rows:
                    if total + int(n) > keep:
                        self._db.execute(
                            "DELETE FROM findings WHERE run_id=? AND seq>=?", (run_id, seq)
                        )
                        break
                    total += int(n)
            return
        if tallies.count <= keep:
            return
        if keep == 0:  # no snapshot to go back to (e.g. an ended run's state was dropped):
            # the resumed search starts again from its seed, so its findings start afresh
            self._tallies.pop(run_id, None)
            with self._tx(run_id):
                self._db.execute("DELETE FROM findings WHERE run_id=?", (run_id,))
                self._db.execute(
                    "UPDATE tallies SET data=? WHERE run_id=?",
                    (json.dumps(Tallies(tallies.keep, tallies.seed).to_json()), run_id),
                )
            return
        back = tallies.rollback
        if back is None or int(back["tallies"].get("count", -1)) != keep:
            raise StoreError(
                f"{self.path}: run {run_id} has {tallies.count:,} findings committed and no "
                f"record of its state at {keep:,}; it cannot be resumed exactly"
            )
        self._tallies.pop(run_id, None)
        with self._tx(run_id):
            self._db.execute(
                "DELETE FROM findings WHERE run_id=? AND seq>=?", (run_id, int(back["seq"]))
            )
            self._db.execute(
                "UPDATE tallies SET data=? WHERE run_id=?", (json.dumps(back["tallies"]), run_id)
            )

    def witness_counts(self, run_id: str) -> dict[str, dict[str, Any]]:
        """Per kind: ``found`` (every finding) and ``kept`` (witnesses in the store); for a
        kind whose findings are too large for the run's cap in bytes, ``keep`` (its own cap)
        and ``bytes_each`` (their measured size)."""
        tallies = self._read_tallies(run_id)
        if tallies is None:
            out: dict[str, dict[str, Any]] = {}
            for kind, n in self._db.execute(
                "SELECT kind, SUM(n) FROM findings WHERE run_id=? GROUP BY kind", (run_id,)
            ):
                out[kind] = {"found": int(n), "kept": int(n)}
            return out
        return {
            k: {
                "found": t.count,
                "kept": tallies.kept(k),
                **({} if t.keep is None else {"keep": t.keep, "bytes_each": t.bytes_each or 0}),
            }
            for k, t in tallies.kinds.items()
        }

    def keep_policy(self, run_id: str) -> int | None:
        """The run's witness cap per kind (None: every witness is kept)."""
        tallies = self._read_tallies(run_id)
        return None if tallies is None else tallies.keep

    def count_at_or_above(self, run_id: str, threshold: float) -> int:
        """Findings with severity >= ``threshold`` (all of them for a threshold <= 0): exact
        (see ``KindTally.at_or_above``), whether or not their witnesses were kept."""
        tallies = self._read_tallies(run_id)
        if tallies is None:
            n = 0
            for batch in self.iter_batches(run_id):
                sev = np.nan_to_num(np.asarray(batch.severity, dtype=np.float64), nan=0.0)
                n += int((sev >= threshold - TIE).sum()) if threshold > 0 else len(batch)
            return n
        return sum(t.at_or_above(threshold) for t in tallies.kinds.values())

    def _write_snapshot(self, run_id: str, snap: Snapshot) -> None:
        db = self._db
        db.execute(
            "INSERT OR REPLACE INTO state VALUES (?, 'values', 0, 'values', ?)",
            (run_id, values_bytes(snap.values)),
        )
        for name, arr in snap.arrays.items():
            db.execute(
                "INSERT OR REPLACE INTO state VALUES (?, ?, 0, 'array', ?)",
                (run_id, name, array_bytes(arr)),
            )
        chunks = [(name, "append", arr) for name, arr in snap.appends.items()]
        # a set's new keys, sorted: stored as the gaps between neighbours
        chunks += [(name, FRESH, np.sort(arr)) for name, arr in snap.sets.items() if len(arr)]
        rows: list[Row] = []
        for name, part, arr in chunks:
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM state WHERE run_id=? AND name=?",
                (run_id, name),
            ).fetchone()
            rows.append((name, seq, part, array_bytes(arr)))
        for row in stored_once(rows):  # (the same keys under three names: once)
            db.execute("INSERT INTO state VALUES (?, ?, ?, ?, ?)", (run_id, *row))

    def load_snapshot(self, run_id: str) -> Snapshot | None:
        rows = self._db.execute(
            "SELECT name, seq, part, data FROM state WHERE run_id=? ORDER BY name, seq", (run_id,)
        ).fetchall()
        if not rows:
            return None
        with stored_row(self.path, run_id, "resume state"):
            return self._snapshot(rows)

    @staticmethod
    def _snapshot(rows: Sequence[Sequence[Any]]) -> Snapshot:
        """``load_snapshot``'s snapshot of the run's ``state`` rows."""
        snap = Snapshot()
        parts: list[tuple[str, int, bytes, bool]] = []
        sets: list[tuple[str, bytes]] = []
        for name, seq, part, data in rows:
            if part == "values":
                snap.values = values_from(data)
            elif part == "array":
                snap.arrays[name] = array_from(data)
            elif is_set_part(part):
                sets.append((name, data))
            else:
                parts.append((name, seq, data, part == SAME))
        snap.appends = appends_read(parts, array_from)
        snap.sets = load_parts(sets)
        return snap

    def get_run(
        self,
        run_id: str,
        *,
        brief: bool = False,
        summary_keys: Sequence[str] = (),
        lean: bool = False,
    ) -> RunRecord:
        """The run (a unique prefix of its id will do); ``brief``: without its config,
        model, versions, progress and summary (empty: ``list_runs``), but for the summary's
        ``summary_keys`` (read by SQLite, the rest of the summary never parsed here).
        ``lean``: its config without the bulk only a resume or a verify reads (``LEAN``,
        left out by SQLite: ``assay show`` parsed a text run's 15 MB grammar to say ten
        lines)."""
        columns = _WHOLE
        if brief:
            columns = _BRIEF if not summary_keys else _BRIEF[:-4] + _picked(summary_keys)
        with stored_row(self.path, run_id, "record"):
            row = self._db.execute(
                f"SELECT id, technique, status, seed, command, {columns},"
                " error, created, updated FROM runs WHERE id=?",
                (run_id,),
            ).fetchone()
        if row is None:
            row = self._match_prefix(run_id)
        with stored_row(self.path, row[0], "record"):
            return self._record(row, brief=brief, summary_keys=summary_keys, lean=lean)

    def _record(
        self, row: Sequence[Any], *, brief: bool, summary_keys: Sequence[str], lean: bool
    ) -> RunRecord:
        """``get_run``'s record of its ``row`` (its JSON columns parsed)."""
        summary = json.loads(row[9])
        if isinstance(summary, list):  # (the keys picked, in their order)
            summary = {k: v for k, v in zip(summary_keys, summary, strict=False) if v is not None}
        tallies = self._read_tallies(row[0])
        if tallies is None:
            counts = self._db.execute(
                "SELECT COALESCE(SUM(n), 0), COALESCE(MAX(max_severity), 0) FROM findings"
                " WHERE run_id=?",
                (row[0],),
            ).fetchone()
        else:
            tops = [t.max_severity for t in tallies.kinds.values() if t.max_severity is not None]
            counts = (tallies.total, max(tops, default=0.0))
        return RunRecord(
            id=row[0],
            technique=row[1],
            status=row[2],
            seed=row[3],
            command=row[4],
            config={} if brief else self._read_config(row[0], row[5], lean=lean),
            model=json.loads(row[6]),
            versions=json.loads(row[7]),
            progress=json.loads(row[8]),
            summary=summary,
            # (a store written before errors were masked of credentials outside URLs: its
            # reports, rendered again, do not carry them further)
            error=None if row[10] is None else redact_message(row[10]),
            created=row[11],
            updated=row[12],
            n_findings=int(counts[0]),
            max_severity=float(counts[1]),
        )

    def _match_prefix(self, run_id: str) -> tuple[Any, ...]:
        if not run_id.strip():
            # (every id begins with ''; `assay delete "$RUN"` of an unset variable deleted
            # a store's only run, exit 0)
            raise UsageError(
                f"the run id is empty ({run_id!r}): give a run id or a unique prefix of one "
                "(`assay runs` lists them)",
                argument="RUN_ID",
            )
        # the id's first characters as typed: not LIKE, whose `_` matched any character,
        # whose case folded, and whose pattern beyond 50,000 characters failed as the store
        # ("LIKE or GLOB pattern too complex", exit 4)
        rows = self._db.execute(
            "SELECT id, technique, status, seed, command, config, model, versions, progress,"
            " summary, error, created, updated FROM runs WHERE substr(id, 1, ?) = ?"
            " ORDER BY created",
            (len(run_id), run_id),
        ).fetchall()
        if len(rows) == 1:
            return tuple(rows[0])
        known = [
            r[0] for r in self._db.execute("SELECT id FROM runs ORDER BY created DESC LIMIT 5")
        ]
        shown = (
            repr(run_id)
            if len(run_id) <= 80
            else f"{run_id[:60]!r}... ({len(run_id):,} characters)"
        )
        if not rows:
            near = near_ids(run_id, (r[0] for r in self._db.execute("SELECT id FROM runs")))
            raise UsageError(
                f"no run {shown} in {self.path.absolute()}"
                + (f"; did you mean {' or '.join(near)}?" if near else "")
                + (f"; latest runs: {', '.join(known)}" if known else " (the store is empty)"),
                argument="RUN_ID",
            )
        raise UsageError(
            f"{shown} matches {len(rows)} runs in {self.path.absolute()}: "
            + ", ".join(r[0] for r in rows[:5]),
            argument="RUN_ID",
        )

    def list_runs(
        self,
        limit: int = 50,
        *,
        brief: bool = False,
        summary_keys: Sequence[str] = (),
        damaged: list[DamagedRowError] | None = None,
    ) -> list[RunRecord]:
        """The newest ``limit`` runs (-1: all), newest first.  ``brief``: without their
        config, model, versions, progress and summary but its ``summary_keys`` (see
        ``get_run``): what choosing among every run of a store kept for months needs
        (``core.retention``), and what ``assay runs`` prints, where reading each run's
        whole JSON took 0.6 MB of memory a run (400 MB for 600)."""
        return list(self.iter_runs(limit, brief=brief, summary_keys=summary_keys, damaged=damaged))

    def count_runs(self) -> int:
        """How many runs the store holds."""
        return int(self._db.execute("SELECT count(*) FROM runs").fetchone()[0])

    def iter_runs(
        self,
        limit: int = 50,
        *,
        brief: bool = False,
        summary_keys: Sequence[str] = (),
        damaged: list[DamagedRowError] | None = None,
    ) -> Iterator[RunRecord]:
        """``list_runs``, one run read at a time (``assay runs --json`` holds one run
        parsed, not all of them).  ``damaged``: a run whose record does not parse is left
        out and its error put there (one damaged row ended the listing of every run)."""
        ids = [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM runs ORDER BY created DESC LIMIT ?", (limit,)
            ).fetchall()
        ]
        for i in ids:
            try:
                record = self.get_run(i, brief=brief, summary_keys=summary_keys)
            except DamagedRowError as exc:
                if damaged is None:
                    raise
                damaged.append(exc)
                continue
            yield record

    def iter_batches(self, run_id: str) -> Iterator[FindingBatch]:
        """The kept witnesses: those kept for good in the order found, then, per kind, the
        sampled and most severe ones in the order found (the same for the same seed)."""
        for batch, _ in self.iter_witnesses(run_id):
            yield batch

    def iter_witnesses(self, run_id: str) -> Iterator[tuple[FindingBatch, np.ndarray]]:
        """As ``iter_batches``, with each witness's number among all the run's findings in
        the order found (0 for the first)."""
        tallies = self._read_tallies(run_id)
        seqs = [
            r[0]
            for r in self._db.execute(
                "SELECT seq FROM findings WHERE run_id=? ORDER BY seq", (run_id,)
            ).fetchall()
        ]
        later: dict[str, list[tuple[FindingBatch, np.ndarray]]] = {}
        counter = 0
        for seq in seqs:
            row = self._db.execute(
                "SELECT data FROM findings WHERE run_id=? AND seq=?", (run_id, seq)
            ).fetchone()
            if row is None:  # compacted meanwhile: its rows are in a newer blob
                continue
            raw = bytes(row[0])
            if not is_columnar(raw):
                with stored_row(self.path, run_id, f"findings (batch {seq})"):
                    b = FindingBatch.from_bytes(raw)
                yield b, np.arange(counter, counter + len(b), dtype=np.int64)
                counter += len(b)
                continue
            with stored_row(self.path, run_id, f"findings (batch {seq})"):
                b, idx, provisional = decode_witnesses(raw)
            if not provisional:
                yield b, idx
            elif tallies is not None:
                live = tallies.live(b.kind, idx, b.severity)
                if live.any():
                    later.setdefault(b.kind, []).append((b.select(live), idx[live]))
        for parts in later.values():
            for group in alike_groups(parts):
                merged = sorted_batch(group)
                if merged is not None:
                    yield merged

    def state_bytes(self, run_id: str) -> int:
        """Bytes of the run's resume state (what ending the run deletes)."""
        try:
            (n,) = self._db.execute(
                "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM state WHERE run_id=?", (run_id,)
            ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the run's resume state: {exc}") from exc
        return int(n)

    def count_findings(self, run_id: str) -> int:
        """Every finding of the run (kept as a witness or not)."""
        tallies = self._read_tallies(run_id)
        if tallies is not None:
            return tallies.total
        (n,) = self._db.execute(
            "SELECT COALESCE(SUM(n), 0) FROM findings WHERE run_id=?", (run_id,)
        ).fetchone()
        return int(n)

    # -- plumbing ------------------------------------------------------------------------
    def _tx(self, run_id: str | None = None) -> Transaction:
        """A transaction writing ``run_id`` (named by a failed write's advice), or no one run."""
        if self.read_only:
            raise StoreError(f"{self.path}: the run store was opened read-only")
        return Transaction(self._db, self.path, run_id)


BESIDE = ("-wal", "-shm")  # what SQLite keeps beside a store in WAL mode (``_drop_own_log``)
# config entries' parts that only a resume or a verify reads (a text run's grammar text:
# 15 MB for a grammar of 900,000 nouns), left out of a ``lean`` read: entry -> JSON path
LEAN = {"grammar": "$.text"}
_OPEN: weakref.WeakSet[RunStore] = weakref.WeakSet()  # stores not closed yet
_LENT = threading.local()  # the store whose own connection this thread uses (``lend``)


def _lost_words(store: weakref.ref[RunStore], path: Path) -> str:
    """The words of a store lost to a SIGBUS (``core.store_bus``), its runs' resume lines."""
    held = store()
    return str(lost_error(path, held.claims() if held is not None else frozenset()))


def _lost_here(where: str) -> None:
    """``StoreError`` (the store's failure, exit 4) when a store this process runs a run in
    at ``where`` had its file deleted or replaced since it was opened: a writer opened there
    now (a helper of the run's command, recording its reports between the run's creation
    and its first write) made a new empty store at a deleted store's path, and the run
    ended "no run ... (the store is empty)", exit 2; at a replaced one's it read the store
    moved in over it beside the running one's write-ahead log."""
    for other in list(_OPEN):
        if not other.read_only and other.claims() and other._where == where:
            other._check_still_there()  # (its log dropped, its words raised)


def _still_to_come(summary: dict[str, Any] | None) -> bool:
    """Whether an ended run's summary says parts still follow its search."""
    said = summary or {}
    return bool(said.get(UNFINISHED_KEY)) or answer_said_missing(said.get("incomplete_reason"))


def _running_in(path: str, run_id: str) -> bool:
    """Whether the store at ``path`` says the run is running (read afresh, read-only: a
    lock's question as it is let go, holding no store).  Where no connection has the store
    open (nothing beside it: a run held until its command ended is let go after its store
    closed, ops47), a connection that may write but is told not to reads it, so that its
    close removes the -wal and -shm it makes, as ``open_read_only`` does (left28)."""
    if lost(os.path.abspath(path)):  # (read here it would kill the process: stalled)
        return True
    free = nothing_beside(Path(path))
    db = sqlite3.connect(f"file:{quote(path)}?mode={'rw' if free else 'ro'}", uri=True, timeout=2)
    try:
        if free:
            db.execute("PRAGMA query_only=ON")
        row = db.execute("SELECT status FROM runs WHERE id=?", (run_id,)).fetchone()
    finally:
        db.close()
    return row is not None and row[0] == "running"


def is_default_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the default store: as given (``.assay/runs.db``) or made absolute
    from this folder (an API call anchors the path it is given: ``core.workdir.anchored``)."""
    given = Path(path)
    return given == DEFAULT_STORE or given == Path(os.path.abspath(DEFAULT_STORE))


def open_stores() -> list[RunStore]:
    """The stores this process has open now (not closed yet)."""
    return list(_OPEN)


def close_open_stores() -> None:
    """Close every store this process still has open (a command that ends without
    the interpreter's final garbage collection: an unclosed connection would leave its
    write-ahead log beside the file, holding committed findings a copy of the file alone
    would miss)."""
    for store in list(_OPEN):
        with contextlib.suppress(sqlite3.Error, OSError):
            store.close()


def run_store(store: RunStore | str | os.PathLike[str]) -> RunStore:
    """The store a run writes through: ``store`` opened, when it is a path; a ``RunStore``
    given, itself in the thread that opened it, else one of the run's own on the same file.
    A web app or a notebook that keeps one ``RunStore`` and runs checks on several threads at
    once interleaved the runs' transactions on its one SQLite connection ("cannot start a
    transaction within a transaction"; a run created, then rolled back with another's): each
    thread's runs get their own connection, as runs given the path always did."""
    if not isinstance(store, RunStore):
        return RunStore(store)
    if store.read_only or store.thread is threading.current_thread():
        return store
    return RunStore(store.path, compaction=store.compaction)
