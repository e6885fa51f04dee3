"""The run store: one SQLite file (WAL mode) that never loses a committed finding.

Each checkpoint writes, in one transaction, the findings found since the previous one, the
search state needed to resume, and progress.  A run killed at any moment resumes from its
last checkpoint, with every finding committed up to then.

Findings are counted exactly (``tallies``: per kind, with a severity histogram) and their
witnesses kept up to the run's cap (``core.witnesses``), in the compact columnar encoding of
``core.columnar``; see docs/architecture.md, "The run store".
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.columnar import (
    decode_array,
    decode_arrays,
    encode_array,
    encode_arrays,
    is_columnar,
)
from assay.core.findings import FindingBatch, to_jsonable
from assay.core.redact import redact_json, redact_text
from assay.core.runlock import RunBusy, RunLock, abandoned, holder
from assay.core.setstate import FRESH, Compactor, compact, give_back, is_set_part, load_parts
from assay.core.witnesses import DEFAULT_KEEP, MUST_KEEP, TOP, Tallies
from assay.errors import StoreError, UsageError

__all__ = [
    "DEFAULT_KEEP",
    "DEFAULT_STORE",
    "RunRecord",
    "RunStore",
    "close_open_stores",
    "new_run_id",
]

DEFAULT_STORE = Path(".assay") / "runs.db"
SCHEMA_VERSION = 2  # 2: tallies and columnar witness blobs (1: every finding, np.savez)
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
-- the newest runs without a scan: ``created`` follows the large columns, so a scan in its
-- order reads every run's summary (``assay runs`` on a store of thousands of runs)
CREATE INDEX IF NOT EXISTS runs_by_created ON runs(created);
"""

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


def new_run_id(technique: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{technique}-{stamp}-{os.urandom(2).hex()}"


def _array_bytes(a: np.ndarray) -> bytes:
    """Resume state in the compact columnar encoding (lossless; e.g. float rows of small
    whole numbers take a byte per value, flags a bit)."""
    arr = np.asarray(a)
    if arr.dtype == object:
        raise TypeError("resume state must not hold object arrays")
    return encode_array(arr)


def _array_from(data: bytes) -> np.ndarray:
    if is_columnar(data):
        return decode_array(data)
    out: np.ndarray = np.load(io.BytesIO(data), allow_pickle=False)  # stores before schema 2
    return out


# the longest text of a run's config a report or ``assay runs --json`` copies (characters)
MAX_SHOWN_TEXT = 16_384


def shown_config(value: Any) -> Any:
    """``value`` with every string longer than ``MAX_SHOWN_TEXT`` replaced by a line naming
    its size and digest (the store keeps it whole: a resumed run needs it)."""
    if isinstance(value, str) and len(value) > MAX_SHOWN_TEXT:
        import hashlib

        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return f"<{len(value):,} characters (sha256 {digest}...), kept in the run store>"
    if isinstance(value, dict):
        return {k: shown_config(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown_config(v) for v in value]
    return value


@dataclass(frozen=True)
class RunRecord:
    id: str
    technique: str
    status: str
    seed: int
    command: str
    config: dict[str, Any]
    model: dict[str, Any]
    versions: dict[str, Any]
    progress: dict[str, Any]
    summary: dict[str, Any]
    error: str | None
    created: float
    updated: float
    n_findings: int
    max_severity: float

    def to_json(self) -> dict[str, Any]:
        """The record as reports and ``assay runs --json`` show it (long texts of the config,
        such as a large grammar, are named, not copied: ``shown_config``)."""
        return {
            "id": self.id,
            "technique": self.technique,
            "status": self.status,
            "seed": self.seed,
            "command": self.command,
            "config": shown_config(self.config),
            "model": self.model,
            "versions": self.versions,
            "progress": self.progress,
            "summary": self.summary,
            "error": self.error,
            "created": self.created,
            "updated": self.updated,
            "n_findings": self.n_findings,
            "max_severity": self.max_severity,
        }


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
        self._identity: tuple[int, int] | None = None  # the file opened (``_check_still_there``)
        if read_only:
            self._db = _open_read_only(self.path)
            _OPEN.add(self)
            return
        if self.path.is_dir():
            raise StoreError(
                f"{self.path}: is a folder, not a run store file; give a file, e.g. "
                f"--store {self.path / 'runs.db'}"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # a run's periodic checkpoints are written on a background thread, one at a time
            # (``core.run``): the connection is used by one thread at a time, not always the same
            self._db = sqlite3.connect(
                str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
            )
            _refuse_foreign(self._db, self.path)  # before anything is written to it
            # a new file gives back the pages of deleted resume state (takes effect only
            # before the first table is made)
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
            version = _schema_version(row[0], self.path)
            if version < SCHEMA_VERSION:
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema {row[0]} is newer than this assay "
                    f"understands ({SCHEMA_VERSION}); upgrade assay"
                )
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"{self.path}: cannot open the run store: {exc}{_why_not_writable(self.path)}"
            ) from exc
        self._identity = _identity(self.path)
        _OPEN.add(self)

    def close(self) -> None:
        _OPEN.discard(self)
        self._stop_compaction()
        for lock in self._locks.values():
            lock.release()
        self._locks.clear()
        self._db.close()

    def __del__(self) -> None:
        # a store dropped without ``close`` (a notebook's, or a command's read-only one):
        # its connection sits in a reference cycle of its own (sqlite3's statement cache),
        # so without this it stayed open until a garbage collection, its write-ahead log
        # beside the file
        db = getattr(self, "_db", None)
        if db is not None:
            with contextlib.suppress(Exception):
                db.close()

    # -- who runs a run: one process at a time (``core.runlock``) ------------------------------
    def claim(self, run_id: str) -> None:
        """Own the run (create it or resume it) until it ends, the store is closed or the
        process ends; ``UsageError`` when another process owns it."""
        if run_id in self._locks:
            return
        lock = RunLock(self.path, run_id)
        try:
            lock.acquire()
        except RunBusy as exc:
            raise UsageError(
                f"run {run_id} is being run by {exc.owner}; one process at a time: wait "
                f"for it to end, or stop it (Ctrl-C) and resume then",
                argument="RUN_ID",
            ) from None
        self._locks[run_id] = lock

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
        ``delete`` and ``resume`` treat it so) at once, not a minute later."""
        self._stop_compaction(run_id)
        lock = self._locks.pop(run_id, None)
        if lock is not None:
            lock.release(keep_file=True)

    def _release(self, run_id: str) -> None:
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
        now = time.time()
        # credentials (a URL's password, an api_key parameter) are never stored
        command, config, model = redact_text(command), redact_json(config), redact_json(model)
        tallies = Tallies(keep_findings, seed)
        self.claim(run_id)
        with self._tx():
            self._db.execute(
                "INSERT INTO runs (id, technique, status, seed, command, config, model, versions,"
                " created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    technique,
                    "running",
                    int(seed),
                    command,
                    json.dumps(to_jsonable(config)),
                    json.dumps(to_jsonable(model)),
                    json.dumps(to_jsonable(versions)),
                    now,
                    now,
                ),
            )
            self._db.execute(
                "INSERT INTO tallies VALUES (?, ?)", (run_id, json.dumps(tallies.to_json()))
            )
        self._tallies[run_id] = tallies

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
            error = redact_text(error)
        self._check_still_there()
        if status == "running":  # (re)starting it: this process's alone (``claim``)
            self.claim(run_id)
        elif status is not None:  # the run stops here (for now): no merge may outlive it
            self._stop_compaction(run_id, abandon=status in ENDED)
        try:
            with self._tx():
                self._checkpoint(run_id, findings, snapshot, progress, status, summary, error)
        except BaseException:
            self._tallies.pop(run_id, None)  # reloaded from the store next time
            raise
        if status in ENDED:
            self._drop_state(run_id)
            self._release(run_id)  # (an ended run is never resumed: nothing to guard)
        elif status is None and snapshot is not None and snapshot.sets:
            self._compact_sets(run_id)

    def set_budget(self, run_id: str, **changes: Any) -> None:
        """Change entries of a stored run's budget (``config["budget"]``: e.g. a resume given
        a longer ``call_timeout``); later resumes read the new values."""
        self._check_still_there()
        config = dict(self.get_run(run_id).config)
        config["budget"] = {**dict(config.get("budget") or {}), **changes}
        with self._tx():
            self._db.execute(
                "UPDATE runs SET config=? WHERE id=?", (json.dumps(config, default=str), run_id)
            )

    def _check_still_there(self) -> None:
        """Raise ``StoreError`` when the store's file was deleted or replaced since it was
        opened (``rm -rf`` of the run's folder mid-run): SQLite would go on writing into the
        deleted file, and the run end in a store that no longer has it."""
        if self.read_only or self._identity is None:
            return
        if _identity(self.path) != self._identity:
            raise StoreError(
                f"{self.path}: the run store file was deleted or replaced while the run went on "
                "(what it held went with it); nothing more can be stored there"
            )

    def _drop_state(self, run_id: str) -> None:
        """Delete an ended run's resume state (dead weight: an ended run is never resumed)
        and give its pages back to the file system.  With ``secure_delete`` off the freed
        pages are not overwritten (SQLite's ``SECURE_DELETE`` build, Debian's among them,
        wrote every one of them through the WAL: the store first grew by the whole state,
        and deleting 60 MB took 2.2 s); the vacuum that follows truncates them off the file
        or fills them with the live pages it moves, so no deleted content stays behind.
        Killed half-way, the rest goes when a run in this store next ends."""
        with self._tx():
            self._db.execute(
                "DELETE FROM state WHERE rowid IN (SELECT state.rowid FROM state JOIN runs"
                " ON runs.id = state.run_id WHERE state.run_id=? OR runs.status IN (?, ?))",
                (run_id, *ENDED),
            )
        give_back(self._db, checkpoint="TRUNCATE")  # (never past its size before)
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        """Delete whole runs (their record, findings, tallies and resume state) in one
        transaction, then give their pages back to the file system (``give_back``; a store
        made before incremental vacuum is vacuumed whole), so that nothing of them stays in
        the file.  Each run is claimed first (``claim``): a run another process runs is
        refused (``UsageError`` naming it) before anything is deleted."""
        ids = list(dict.fromkeys(run_ids))
        mine = [i for i in ids if i not in self._locks]
        try:
            for run_id in ids:
                self.claim(run_id)
            for run_id in ids:
                self._stop_compaction(run_id, abandon=True)
            marks = ", ".join("?" * len(ids))
            with self._tx():
                for table in ("findings", "state", "tallies", "runs"):
                    col = "id" if table == "runs" else "run_id"
                    self._db.execute(f"DELETE FROM {table} WHERE {col} IN ({marks})", ids)
        finally:
            for run_id in mine:
                self._release(run_id)
        try:
            (mode,) = self._db.execute("PRAGMA auto_vacuum").fetchone()
            if int(mode) == 0:  # a store from before incremental vacuum: rewrite it whole
                self._db.execute("VACUUM")
            else:
                give_back(self._db, checkpoint="TRUNCATE")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: the runs were deleted, but their space was not given back: {exc}"
            ) from exc

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
            if tallies is None:  # a run made by assay < 0.x: every finding, np.savez
                rows = []
                for b in batches:
                    rows.append((run_id, seq, b.kind, len(b), b.max_severity, b.to_bytes()))
                    seq += 1
                self._db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)", rows)
            else:
                if not durable and tallies.rollback is None:
                    state = tallies.to_json()
                    state.pop("rollback", None)
                    tallies.rollback = {"tallies": state, "seq": seq}
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
        for b in _merge_alike(batches):
            must = b.columns.get(MUST_KEEP)
            sel = tallies.select(b.kind, b.severity, must)
            t = tallies.kind(b.kind)
            for mask, provisional in ((sel.permanent, False), (sel.provisional, True)):
                if not mask.any():
                    continue
                part = b if mask.all() else b.select(mask)
                blob = _encode_batch(part, sel.indices[mask], provisional=provisional)
                rows.append((run_id, seq, b.kind, len(part), part.max_severity, blob))
                if provisional:
                    t.provisional.append(seq)
                seq += 1
        self._db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)", rows)
        for kind, t in tallies.kinds.items():
            if compact and t.written_provisional > 2 * (tallies.sample + TOP) + _COMPACT_SLACK:
                self._compact(run_id, tallies, kind)

    def _compact(self, run_id: str, tallies: Tallies, kind: str) -> None:
        """Rewrite the provisional witnesses of ``kind`` without those no longer kept."""
        t = tallies.kind(kind)
        if not t.provisional:
            return
        marks = ",".join("?" * len(t.provisional))
        rows = self._db.execute(
            f"SELECT data FROM findings WHERE run_id=? AND seq IN ({marks})",
            (run_id, *t.provisional),
        ).fetchall()
        parts = [_decode_batch(bytes(r[0])) for r in rows]
        live = [(b, idx, tallies.live(kind, idx, b.severity)) for b, idx in parts]
        kept = [(b.select(m), idx[m]) for b, idx, m in live if m.any()]
        self._db.execute(
            f"DELETE FROM findings WHERE run_id=? AND seq IN ({marks})", (run_id, *t.provisional)
        )
        t.provisional = []
        t.written_provisional = 0
        merged = _sorted_batch(kept)
        if merged is None:
            return
        batch, idx = merged
        (seq,) = self._db.execute(
            "SELECT COALESCE(MAX(seq) + 1, 0) FROM findings WHERE run_id=?", (run_id,)
        ).fetchone()
        self._db.execute(
            "INSERT INTO findings VALUES (?,?,?,?,?,?)",
            (run_id, seq, kind, len(batch), batch.max_severity, _encode_batch(batch, idx, True)),
        )
        t.provisional = [seq]
        t.written_provisional = len(batch)

    def _read_tallies(self, run_id: str) -> Tallies | None:
        """The run's tallies; None for a run of a schema-1 store (every finding kept, no
        tallies table when such a store is opened read-only)."""
        try:
            row = self._db.execute("SELECT data FROM tallies WHERE run_id=?", (run_id,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else Tallies.from_json(json.loads(row[0]))

    def _writer_tallies(self, run_id: str) -> Tallies | None:
        """The run's tallies for writing: cached, or loaded with their samples rebuilt."""
        if run_id in self._tallies:
            return self._tallies[run_id]
        tallies = self._read_tallies(run_id)
        if tallies is None:
            return None
        if tallies.keep is not None:
            found: dict[str, list[np.ndarray]] = {}
            for (data,) in self._db.execute("SELECT data FROM findings WHERE run_id=?", (run_id,)):
                raw = bytes(data)
                if is_columnar(raw):
                    b, idx = _decode_batch(raw)
                    found.setdefault(b.kind, []).append(idx)
            for kind, parts in found.items():
                t = tallies.kind(kind)
                if t.first_end is None:
                    continue
                idx = np.unique(np.concatenate(parts))
                idx = idx[idx >= t.first_end]
                prio = _priorities(idx, tallies, kind)
                t.reservoir = prio[t.in_sample(prio)] if tallies.sample else t.reservoir
        self._tallies[run_id] = tallies
        return tallies

    def truncate_findings(self, run_id: str, keep: int) -> None:
        """Go back to the run's first ``keep`` findings: those committed with its last
        snapshot (findings a failing run committed after it are found again on resume).
        Counts and kept witnesses return to what they were then."""
        tallies = self._read_tallies(run_id)
        if tallies is None:  # a schema-1 run: drop its last batches
            with self._tx():
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
            with self._tx():
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
        with self._tx():
            self._db.execute(
                "DELETE FROM findings WHERE run_id=? AND seq>=?", (run_id, int(back["seq"]))
            )
            self._db.execute(
                "UPDATE tallies SET data=? WHERE run_id=?", (json.dumps(back["tallies"]), run_id)
            )

    def witness_counts(self, run_id: str) -> dict[str, dict[str, int]]:
        """Per kind: ``found`` (every finding) and ``kept`` (witnesses in the store)."""
        tallies = self._read_tallies(run_id)
        if tallies is None:
            out: dict[str, dict[str, int]] = {}
            for kind, n in self._db.execute(
                "SELECT kind, SUM(n) FROM findings WHERE run_id=? GROUP BY kind", (run_id,)
            ):
                out[kind] = {"found": int(n), "kept": int(n)}
            return out
        return {k: {"found": t.count, "kept": tallies.kept(k)} for k, t in tallies.kinds.items()}

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
                n += int((sev >= threshold).sum()) if threshold > 0 else len(batch)
            return n
        return sum(t.at_or_above(threshold) for t in tallies.kinds.values())

    def _write_snapshot(self, run_id: str, snap: Snapshot) -> None:
        db = self._db
        db.execute(
            "INSERT OR REPLACE INTO state VALUES (?, 'values', 0, 'values', ?)",
            (run_id, json.dumps(to_jsonable(snap.values)).encode("utf-8")),
        )
        for name, arr in snap.arrays.items():
            db.execute(
                "INSERT OR REPLACE INTO state VALUES (?, ?, 0, 'array', ?)",
                (run_id, name, _array_bytes(arr)),
            )
        chunks = [(name, "append", arr) for name, arr in snap.appends.items()]
        # a set's new keys, sorted: stored as the gaps between neighbours
        chunks += [(name, FRESH, np.sort(arr)) for name, arr in snap.sets.items() if len(arr)]
        for name, part, arr in chunks:
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM state WHERE run_id=? AND name=?",
                (run_id, name),
            ).fetchone()
            db.execute(
                "INSERT INTO state VALUES (?, ?, ?, ?, ?)",
                (run_id, name, seq, part, _array_bytes(arr)),
            )

    def load_snapshot(self, run_id: str) -> Snapshot | None:
        rows = self._db.execute(
            "SELECT name, seq, part, data FROM state WHERE run_id=? ORDER BY name, seq", (run_id,)
        ).fetchall()
        if not rows:
            return None
        snap = Snapshot()
        parts: dict[str, list[np.ndarray]] = {}
        sets: list[tuple[str, bytes]] = []
        for name, _seq, part, data in rows:
            if part == "values":
                snap.values = json.loads(bytes(data).decode("utf-8"))
            elif part == "array":
                snap.arrays[name] = _array_from(data)
            elif is_set_part(part):
                sets.append((name, data))
            else:
                parts.setdefault(name, []).append(_array_from(data))
        snap.appends = {k: np.concatenate(v) for k, v in parts.items()}
        snap.sets = load_parts(sets)
        return snap

    def get_run(self, run_id: str) -> RunRecord:
        row = self._db.execute(
            "SELECT id, technique, status, seed, command, config, model, versions, progress,"
            " summary, error, created, updated FROM runs WHERE id=?",
            (run_id,),
        ).fetchone()
        if row is None:
            row = self._match_prefix(run_id)
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
            config=json.loads(row[5]),
            model=json.loads(row[6]),
            versions=json.loads(row[7]),
            progress=json.loads(row[8]),
            summary=json.loads(row[9]),
            error=row[10],
            created=row[11],
            updated=row[12],
            n_findings=int(counts[0]),
            max_severity=float(counts[1]),
        )

    def _match_prefix(self, run_id: str) -> tuple[Any, ...]:
        rows = self._db.execute(
            "SELECT id, technique, status, seed, command, config, model, versions, progress,"
            " summary, error, created, updated FROM runs WHERE id LIKE ? ORDER BY created",
            (run_id.replace("%", "") + "%",),
        ).fetchall()
        if len(rows) == 1:
            return tuple(rows[0])
        known = [
            r[0] for r in self._db.execute("SELECT id FROM runs ORDER BY created DESC LIMIT 5")
        ]
        if not rows:
            raise UsageError(
                f"no run {run_id!r} in {self.path}"
                + (f"; latest runs: {', '.join(known)}" if known else " (the store is empty)"),
                argument="RUN_ID",
            )
        raise UsageError(
            f"{run_id!r} matches {len(rows)} runs in {self.path}: "
            + ", ".join(r[0] for r in rows[:5]),
            argument="RUN_ID",
        )

    def list_runs(self, limit: int = 50) -> list[RunRecord]:
        ids = [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM runs ORDER BY created DESC LIMIT ?", (limit,)
            ).fetchall()
        ]
        return [self.get_run(i) for i in ids]

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
                b = FindingBatch.from_bytes(raw)
                yield b, np.arange(counter, counter + len(b), dtype=np.int64)
                counter += len(b)
                continue
            b, idx, provisional = _decode_witnesses(raw)
            if not provisional:
                yield b, idx
            elif tallies is not None:
                live = tallies.live(b.kind, idx, b.severity)
                if live.any():
                    later.setdefault(b.kind, []).append((b.select(live), idx[live]))
        for parts in later.values():
            merged = _sorted_batch(parts)
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
    def _tx(self) -> _Transaction:
        if self.read_only:
            raise StoreError(f"{self.path}: the run store was opened read-only")
        return _Transaction(self._db, self.path)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the store's file; None when it cannot be told."""
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _why_not_writable(path: Path) -> str:
    """A hint when the store or its folder cannot be written (a read-only file, folder or
    file system: SQLite says only that it is 'unable to open database file')."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return f" (its folder {folder} cannot be written: pass --store elsewhere)"
        if path.is_file() and not os.access(path, os.W_OK):
            return " (the file cannot be written: pass --store elsewhere)"
    except OSError:
        return ""
    return ""


def _schema_version(value: Any, path: Path) -> int:
    """The store's schema version, from its ``meta`` row (a ``StoreError`` when it is not
    a number: a store damaged, or written by something else)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StoreError(
            f"{path}: its schema version is {value!r}, not a number: the file was damaged "
            "or written by something other than assay"
        ) from None


_OPEN: weakref.WeakSet[RunStore] = weakref.WeakSet()  # stores not closed yet


def close_open_stores() -> None:
    """Close every store this process still has open (a command that ends without
    the interpreter's final garbage collection: an unclosed connection would leave its
    write-ahead log beside the file, holding committed findings a copy of the file alone
    would miss)."""
    for store in list(_OPEN):
        with contextlib.suppress(sqlite3.Error, OSError):
            store.close()


_OURS = {"meta", "runs", "findings", "state", "tallies"}


def _refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """A ``StoreError`` when ``path`` is a SQLite database of something else (tables, but
    not assay's): it is left as it was, never given assay's tables nor switched to WAL."""
    names = {
        str(r[0])
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if names and "meta" not in names:
        others = sorted(names - _OURS)
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise StoreError(
            f"{path}: a SQLite database, but not an assay run store (its tables: {shown}); "
            "it was left as it is: give another --store"
        )


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (works on a read-only file or filesystem)."""
    try:
        if not path.is_file():
            raise StoreError(f"{path}: no run store here")
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the run store: {exc.strerror or exc}") from exc
    uri = path.resolve().as_uri()
    last: Exception | None = None
    # mode=ro reads a live store (concurrent writers); immutable=1 needs no -shm file, for a
    # store on a read-only filesystem (where no one can be writing)
    for query in ("mode=ro", "immutable=1"):
        try:
            db = sqlite3.connect(f"{uri}?{query}", uri=True, timeout=30.0, isolation_level=None)
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            db.execute("SELECT 1 FROM runs LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            last = exc
            if "no such table" in str(exc):
                raise StoreError(f"{path}: not an assay run store (no runs in it)") from exc
            continue
        if row is not None and _schema_version(row[0], path) > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: store schema {row[0]} is newer than this assay understands "
                f"({SCHEMA_VERSION}); upgrade assay"
            )
        return db
    raise StoreError(f"{path}: cannot open the run store to read it: {last}")


def _signature(b: FindingBatch) -> tuple[Any, ...]:
    """Kind, dtypes and shapes (details are compared by ``_same_details``)."""
    cols = tuple((k, v.dtype.str, v.shape[1:]) for k, v in b.columns.items())
    return (
        b.kind,
        b.inputs.dtype.str,
        b.inputs.shape[1:],
        b.outputs.dtype.str,
        b.outputs.shape[1:],
        b.severity.dtype.str,
        cols,
    )


def _same_details(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two batches' details are the same data (plain comparison first: a search
    gives every batch equal details; arrays in details fall back to their JSON form)."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # numpy arrays inside: compare as JSON
        dump = json.dumps
        return dump(to_jsonable(a), sort_keys=True) == dump(to_jsonable(b), sort_keys=True)


def _merge_alike(batches: Sequence[FindingBatch]) -> list[FindingBatch]:
    """Consecutive batches of the same kind and shapes as one (fewer, larger blobs)."""
    out: list[FindingBatch] = []
    group: list[FindingBatch] = []
    sig: tuple[Any, ...] = ()
    for b in batches:
        mine = _signature(b)
        if group and (sig != mine or not _same_details(group[0].details, b.details)):
            out.append(group[0] if len(group) == 1 else FindingBatch.concat(group))
            group = []
        if not group:
            sig = mine
        group.append(b)
    if group:
        out.append(group[0] if len(group) == 1 else FindingBatch.concat(group))
    return out


def _encode_batch(b: FindingBatch, indices: np.ndarray, provisional: bool) -> bytes:
    arrays: dict[str, np.ndarray] = {
        "inputs": b.inputs,
        "outputs": b.outputs,
        "severity": b.severity,
        "index": np.asarray(indices, dtype=np.int64),
    }
    for name, col in b.columns.items():
        arrays[f"col:{name}"] = col
    header = {"kind": b.kind, "details": to_jsonable(b.details), "provisional": provisional}
    return encode_arrays(arrays, header)


def _decode_batch(raw: bytes) -> tuple[FindingBatch, np.ndarray]:
    batch, idx, _ = _decode_witnesses(raw)
    return batch, idx


def _decode_witnesses(raw: bytes) -> tuple[FindingBatch, np.ndarray, bool]:
    """A witness blob: the batch, each witness's number, and whether it is provisional."""
    arrays, header = decode_arrays(raw)
    columns = {k[4:]: v for k, v in arrays.items() if k.startswith("col:")}
    batch = FindingBatch(
        kind=header["kind"],
        inputs=arrays["inputs"],
        outputs=arrays["outputs"],
        severity=arrays["severity"],
        columns=columns,
        details=header.get("details", {}),
    )
    return batch, arrays["index"], bool(header.get("provisional"))


def _sorted_batch(
    parts: Sequence[tuple[FindingBatch, np.ndarray]],
) -> tuple[FindingBatch, np.ndarray] | None:
    """Parts of one kind as one batch in the order found (by finding number)."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return None
    batch = parts[0][0] if len(parts) == 1 else FindingBatch.concat([p[0] for p in parts])
    idx = np.concatenate([p[1] for p in parts])
    order = np.argsort(idx, kind="stable")
    return batch.select(order), idx[order]


def _priorities(idx: np.ndarray, tallies: Tallies, kind: str) -> np.ndarray:
    from assay.core.witnesses import priorities

    return priorities(idx, tallies.salt(kind))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT; any SQLite failure (a full disk) becomes a StoreError
    after the transaction is rolled back (SQLite may already have rolled it back)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

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
        hint = ""
        if "full" in text:
            hint = "; free some space, then continue the run with assay resume RUN_ID"
        elif "readonly" in text or "read-only" in text:
            hint = "; the store cannot be written (read-only file or filesystem): pass --store"
        return StoreError(f"{self.path}: writing the run store failed: {text}{hint}")
