"""The run store: one SQLite file (WAL mode) that never loses a committed finding.

Each checkpoint writes, in one transaction, the findings found since the previous one, the
search state needed to resume, and progress.  A run killed at any moment resumes from its
last checkpoint, with every finding committed up to then.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch, to_jsonable
from assay.core.redact import redact_json, redact_text
from assay.errors import StoreError, UsageError

__all__ = ["DEFAULT_STORE", "RunRecord", "RunStore", "new_run_id"]

DEFAULT_STORE = Path(".assay") / "runs.db"
SCHEMA_VERSION = 1

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


def new_run_id(technique: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{technique}-{stamp}-{os.urandom(2).hex()}"


def _array_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(a), allow_pickle=False)
    return buf.getvalue()


def _array_from(data: bytes) -> np.ndarray:
    out: np.ndarray = np.load(io.BytesIO(data), allow_pickle=False)
    return out


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
        return {
            "id": self.id,
            "technique": self.technique,
            "status": self.status,
            "seed": self.seed,
            "command": self.command,
            "config": self.config,
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
        self, path: str | os.PathLike[str] = DEFAULT_STORE, *, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._db = _open_read_only(self.path)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
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
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema {row[0]} is newer than this assay "
                    f"understands ({SCHEMA_VERSION}); upgrade assay"
                )
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{self.path}: cannot open the run store: {exc}") from exc

    def close(self) -> None:
        self._db.close()

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
    ) -> None:
        now = time.time()
        # credentials (a URL's password, an api_key parameter) are never stored
        command, config, model = redact_text(command), redact_json(config), redact_json(model)
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
        with self._tx():
            if findings:
                (seq,) = self._db.execute(
                    "SELECT COALESCE(MAX(seq) + 1, 0) FROM findings WHERE run_id=?", (run_id,)
                ).fetchone()
                rows = []
                for b in findings:
                    if len(b):
                        rows.append((run_id, seq, b.kind, len(b), b.max_severity, b.to_bytes()))
                        seq += 1
                self._db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)", rows)
            if status in ENDED:
                # an ended run is never resumed: its search state is dead weight
                self._db.execute("DELETE FROM state WHERE run_id=?", (run_id,))
            elif snapshot is not None:
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
        for name, arr in snap.appends.items():
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM state WHERE run_id=? AND name=?",
                (run_id, name),
            ).fetchone()
            db.execute(
                "INSERT INTO state VALUES (?, ?, ?, 'append', ?)",
                (run_id, name, seq, _array_bytes(arr)),
            )

    def load_snapshot(self, run_id: str) -> Snapshot | None:
        rows = self._db.execute(
            "SELECT name, seq, part, data FROM state WHERE run_id=? ORDER BY name, seq", (run_id,)
        ).fetchall()
        if not rows:
            return None
        snap = Snapshot()
        parts: dict[str, list[np.ndarray]] = {}
        for name, _seq, part, data in rows:
            if part == "values":
                snap.values = json.loads(bytes(data).decode("utf-8"))
            elif part == "array":
                snap.arrays[name] = _array_from(data)
            else:
                parts.setdefault(name, []).append(_array_from(data))
        snap.appends = {k: np.concatenate(v) for k, v in parts.items()}
        return snap

    def get_run(self, run_id: str) -> RunRecord:
        row = self._db.execute(
            "SELECT id, technique, status, seed, command, config, model, versions, progress,"
            " summary, error, created, updated FROM runs WHERE id=?",
            (run_id,),
        ).fetchone()
        if row is None:
            row = self._match_prefix(run_id)
        counts = self._db.execute(
            "SELECT COALESCE(SUM(n), 0), COALESCE(MAX(max_severity), 0) FROM findings"
            " WHERE run_id=?",
            (row[0],),
        ).fetchone()
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
        cur = self._db.execute("SELECT data FROM findings WHERE run_id=? ORDER BY seq", (run_id,))
        for (data,) in cur:
            yield FindingBatch.from_bytes(bytes(data))

    def count_findings(self, run_id: str) -> int:
        (n,) = self._db.execute(
            "SELECT COALESCE(SUM(n), 0) FROM findings WHERE run_id=?", (run_id,)
        ).fetchone()
        return int(n)

    def truncate_findings(self, run_id: str, keep: int) -> None:
        """Drop the last finding batches until ``keep`` findings remain (those committed
        after the snapshot a run resumes from: the resumed search finds them again)."""
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

    # -- plumbing ------------------------------------------------------------------------
    def _tx(self) -> _Transaction:
        if self.read_only:
            raise StoreError(f"{self.path}: the run store was opened read-only")
        return _Transaction(self._db, self.path)


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
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: store schema {row[0]} is newer than this assay understands "
                f"({SCHEMA_VERSION}); upgrade assay"
            )
        return db
    raise StoreError(f"{path}: cannot open the run store to read it: {last}")


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
