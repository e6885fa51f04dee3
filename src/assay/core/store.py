"""The run store: one SQLite file (WAL mode) that never loses a committed finding.

Each checkpoint writes, in one transaction, the findings found since the previous one, the
search state needed to resume, and progress.  A run killed at any moment resumes from its
last checkpoint, with every finding committed up to then.
"""

from __future__ import annotations

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
from assay.errors import StoreError

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

STATUSES = ("running", "completed", "budget_exhausted", "failed", "interrupted")
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

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema {row[0]} is newer than this assay "
                    f"understands ({SCHEMA_VERSION}); upgrade assay"
                )
        except sqlite3.DatabaseError as exc:
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
            raise StoreError(
                f"no run {run_id!r} in {self.path}"
                + (f"; latest runs: {', '.join(known)}" if known else " (the store is empty)")
            )
        raise StoreError(
            f"{run_id!r} matches {len(rows)} runs in {self.path}: "
            + ", ".join(r[0] for r in rows[:5])
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

    def count_by_kind(self, run_id: str) -> dict[str, tuple[int, float]]:
        """Per finding kind: how many, and the largest severity (without reading findings)."""
        rows = self._db.execute(
            "SELECT kind, SUM(n), MAX(max_severity) FROM findings WHERE run_id=? GROUP BY kind",
            (run_id,),
        ).fetchall()
        return {str(k): (int(n), float(m)) for k, n, m in rows}

    def count_findings(self, run_id: str) -> int:
        (n,) = self._db.execute(
            "SELECT COALESCE(SUM(n), 0) FROM findings WHERE run_id=?", (run_id,)
        ).fetchone()
        return int(n)

    # -- plumbing ------------------------------------------------------------------------
    def _tx(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
