"""Copy the runs that still read out of a damaged run store into a new one (``assay salvage``).

A store CI restored cut short, or with pages overwritten, is refused by every command (SQLite:
"database disk image is malformed"), though most of its runs may sit on pages that are fine.
The salvage never writes the damaged file: it copies it (and its WAL) aside, pads a file cut
short back to the length its header gives (the missing pages read as damaged, the others as
they were), then reads each run on its own -- its record, each batch of findings, its
tallies, its resume state -- and writes what reads into a new store.  A run is then read back
from the new store through the store's own readers (every witness decoded), so that content
damaged inside a page SQLite accepted is caught too; what does not decode is taken out again.

What each run kept is said: whole; its findings with batches lost (its counts are the run's,
its kept witnesses fewer; not resumable); or lost, with SQLite's reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.core.runlock import held_runs, holder
from assay.core.store import ENDED, RunStore
from assay.core.store_damage import DamagedRowError
from assay.core.store_file import SCHEMA_VERSION, schema_version
from assay.errors import StoreError, UsageError

__all__ = ["Salvage", "SavedRun", "salvage"]

_RUN_COLUMNS = (
    "id, technique, status, seed, command, config, model, versions, progress, summary, "
    "error, created, updated"
)
_JSON_COLUMNS = (5, 6, 7, 8, 9)  # config, model, versions, progress, summary


@dataclass
class SavedRun:
    """One run of the damaged store: ``outcome`` is ``whole``, ``partial`` or ``lost``."""

    id: str
    outcome: str
    findings: int = 0  # the findings the copied run counts (its tallies, else its batches)
    kept: int = 0  # the witnesses of them that came through (decoded from the new store)
    status: str = ""
    why: str = ""  # what was lost, and SQLite's reason


@dataclass
class Salvage:
    source: Path
    target: Path
    schema: int
    runs: list[SavedRun] = field(default_factory=list)

    @property
    def saved(self) -> list[SavedRun]:
        return [r for r in self.runs if r.outcome != "lost"]

    @property
    def lost(self) -> list[SavedRun]:
        return [r for r in self.runs if r.outcome == "lost"]

    @property
    def complete(self) -> bool:
        return all(r.outcome == "whole" for r in self.runs)


def _rows(db: sqlite3.Connection, query: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
    """The rows a query reads before SQLite finds damage (then it stops, without raising)."""
    try:
        cursor = db.execute(query, args)
        while (row := cursor.fetchone()) is not None:
            yield row
    except sqlite3.Error:
        return


def _copy_aside(source: Path, folder: Path) -> Path:
    """The damaged file (and its WAL, whose commits are the newest runs) copied into
    ``folder``, padded to the length its header says (a file cut short)."""
    copy = folder / "damaged.db"
    shutil.copyfile(source, copy)
    wal = source.with_name(source.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, folder / "damaged.db-wal")
    head = copy.read_bytes()[:100] if copy.stat().st_size >= 100 else b""
    if head.startswith(b"SQLite format 3\x00"):
        page = struct.unpack(">H", head[16:18])[0]
        page = 65536 if page == 1 else page
        pages = struct.unpack(">I", head[28:32])[0]
        if copy.stat().st_size < page * pages:
            with open(copy, "r+b") as f:
                f.truncate(page * pages)
    return copy


def _run_ids(db: sqlite3.Connection) -> list[str]:
    """Every run id the file still names: the runs table scanned, its key's index scanned
    (either may be damaged where the other is not), and the findings' and tallies' run ids
    (runs whose record is lost are said lost, not passed over).  (A plain ``SELECT id FROM
    runs`` reads the key's index, which covers ``id``: the table is scanned NOT INDEXED.)"""
    seen: dict[str, None] = {}
    for query in (
        "SELECT id FROM runs NOT INDEXED",
        "SELECT id FROM runs INDEXED BY sqlite_autoindex_runs_1",
        "SELECT DISTINCT run_id FROM findings INDEXED BY sqlite_autoindex_findings_1",
        "SELECT run_id FROM tallies",
        "SELECT DISTINCT run_id FROM state",
    ):
        for (run_id,) in _rows(db, query):
            if isinstance(run_id, str):
                seen.setdefault(run_id)
    return list(seen)


def _schema(db: sqlite3.Connection, source: Path) -> int:
    for (value,) in _rows(db, "SELECT value FROM meta WHERE key='schema'"):
        return schema_version(value, source)  # (a newer store is refused, untouched)
    return SCHEMA_VERSION  # (meta unreadable: this assay reads every older blob too)


def _read_run(src: sqlite3.Connection, run_id: str) -> tuple[Any, ...]:
    """The run's record: found by its key's index, else (the index damaged) by a scan of
    the table."""
    try:
        row = src.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id=?", (run_id,)).fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        row = src.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs NOT INDEXED WHERE id=?", (run_id,)
        ).fetchone()
    if row is None:
        raise sqlite3.DatabaseError("its record is not in the file")
    for i in _JSON_COLUMNS:
        json.loads(row[i])
    return tuple(row)


def _absent(exc: Exception) -> bool:
    """A table the store's schema did not have yet, not a damaged one."""
    return "no such table" in str(exc)


def _copy_run(src: sqlite3.Connection, dst: sqlite3.Connection, run_id: str) -> SavedRun:
    """Copy one run's rows that read; the run's outcome (``dst`` in a transaction)."""
    try:
        record = _read_run(src, run_id)
    except (sqlite3.Error, ValueError) as exc:
        return SavedRun(run_id, "lost", why=f"its record does not read ({exc})")
    # the batches the key's index lists and those a scan of the table finds (either may be
    # damaged where the other is not), each read through the index, else by the scan
    listed = "SELECT seq FROM findings {} WHERE run_id=?"
    seqs = sorted(
        {s for how in ("", "NOT INDEXED") for (s,) in _rows(src, listed.format(how), (run_id,))}
    )
    lost: list[str] = []
    batches = []
    one = "SELECT seq, kind, n, max_severity, data FROM findings {} WHERE run_id=? AND seq=?"
    for seq in seqs:
        row, why = None, ""
        for how in ("", "NOT INDEXED"):
            try:
                row = src.execute(one.format(how), (run_id, seq)).fetchone()
            except sqlite3.Error as exc:
                why = why or str(exc)
                continue
            if row is not None:
                break
        if row is None:
            lost.append(f"finding batch {seq} ({why or 'not found'})")
            continue
        batches.append(row)
    tallies = None
    try:
        tallies = src.execute("SELECT data FROM tallies WHERE run_id=?", (run_id,)).fetchone()
        if tallies is not None:
            json.loads(tallies[0])
    except (sqlite3.Error, ValueError) as exc:
        tallies = None
        if not _absent(exc):  # (a schema-1 store has no tallies: its runs kept every finding)
            lost.append(f"its tallies ({exc})")
    config: list[Any] = []
    try:  # (a run's config entries, in the order written: schema 4 on)
        config = src.execute(
            "SELECT key, value FROM configs WHERE run_id=? ORDER BY rowid", (run_id,)
        ).fetchall()
        for _, value in config:
            json.loads(value)
    except (sqlite3.Error, ValueError) as exc:
        config = []
        if not _absent(exc):
            lost.append(f"its config ({exc})")
    state: list[Any] = []
    state_lost = ""
    try:
        state = src.execute(
            "SELECT name, seq, part, data FROM state WHERE run_id=?", (run_id,)
        ).fetchall()
    except sqlite3.Error as exc:
        state_lost = "" if _absent(exc) else f"its resume state ({exc})"
    status = str(record[2])
    record_out = list(record)
    gone = [*lost, state_lost] if state_lost else lost
    if gone:
        note = "salvaged from a damaged store; lost: " + "; ".join(gone[:4])
        state = []  # a resume needs every part (and the batches it counted): not resumable
        record_out[10] = note if not record[10] else f"{record[10]} ({note})"
    dst.execute(f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES ({','.join('?' * 13)})", record_out)
    for seq, kind, n, severity, data in batches:
        dst.execute(
            "INSERT INTO findings VALUES (?,?,?,?,?,?)", (run_id, seq, kind, n, severity, data)
        )
    if tallies is not None:
        dst.execute("INSERT INTO tallies VALUES (?, ?)", (run_id, tallies[0]))
    for key, value in config:
        dst.execute("INSERT INTO configs VALUES (?,?,?)", (run_id, key, value))
    for name, seq, part, data in state:
        dst.execute("INSERT INTO state VALUES (?,?,?,?,?)", (run_id, name, seq, part, data))
    why = "; ".join(gone)
    if gone and status not in ENDED:
        why += " (it cannot be resumed)"
    return SavedRun(run_id, "partial" if gone else "whole", status=status, why=why)


def _check_back(store: RunStore, run: SavedRun) -> str:
    """'' when the copied run reads back whole through the store (every witness decoded),
    else why not."""
    try:
        record = store.get_run(run.id)
        run.kept = sum(len(batch) for batch, _ in store.iter_witnesses(run.id))
        store.count_findings(run.id)
    except Exception as exc:  # damaged content: any decoding error means the run is not whole
        cause: BaseException = exc
        if isinstance(exc, DamagedRowError) and exc.__cause__ is not None:
            cause = exc.__cause__  # (the decoding's own error: the store's words say salvage)
        return f"its findings do not decode ({type(cause).__name__}: {cause})"
    run.findings = record.n_findings
    return ""


def _witnesses_missing(store: RunStore, run: SavedRun) -> str:
    """'' unless a run read back whole holds fewer witnesses than its tallies say it kept:
    batches of its findings were not in the file (a lost table page takes its rows with it,
    and neither the table nor its key's index lists them).  Whatever its ``--keep-findings``,
    a run with findings keeps some (its most severe, ``core.witnesses.TOP`` a kind)."""
    if run.outcome != "whole" or run.findings <= 0:
        return ""
    if run.kept == 0:
        return "none of its findings' batches was found in the file"
    kept = sum(int(w.get("kept", 0)) for w in store.witness_counts(run.id).values())
    if run.kept < kept:
        return (
            f"{kept - run.kept:,} of the {kept:,} witnesses it kept were not found in the file "
            "(batches of its findings)"
        )
    return ""


def _lost_later(dst: sqlite3.Connection, run: SavedRun, what: str) -> None:
    """A copied run found partial once read back: said so in its record, as ``_copy_run``
    says a part it could not read, and (not ended) its resume state taken out: a resume
    needs the batches it counted."""
    run.outcome, run.why = "partial", what
    note = f"salvaged from a damaged store; lost: {what}"
    dst.execute(
        "UPDATE runs SET error = CASE WHEN error IS NULL OR error = '' THEN ? "
        "ELSE error || ' (' || ? || ')' END WHERE id = ?",
        (note, note, run.id),
    )
    if run.status not in ENDED:
        dst.execute("DELETE FROM state WHERE run_id=?", (run.id,))
        run.why += " (it cannot be resumed)"


def _drop(db: sqlite3.Connection, run_id: str) -> None:
    for table in ("state", "findings", "tallies", "configs", "runs"):
        column = "id" if table == "runs" else "run_id"
        db.execute(f"DELETE FROM {table} WHERE {column}=?", (run_id,))


def salvage(
    source: str | Path, target: str | Path, *, say: Callable[[SavedRun], None] | None = None
) -> Salvage:
    """Copy every run of ``source`` that reads into a new store at ``target`` (which must not
    exist); ``source`` is never written.  ``say`` is told of each run as it is done."""
    source, target = Path(source).expanduser(), Path(target).expanduser()
    if not source.is_file():
        raise UsageError(f"no run store at {source}", argument="SOURCE")
    _refuse_existing(target)
    with contextlib.suppress(OSError):
        if target.resolve() == source.resolve():
            raise UsageError("give the new store another path than the damaged one")
    running = held_runs(source)
    if running:  # a copy of a file being written could tear: the runs would read as lost
        raise UsageError(
            f"{source} is being written: run {running[0]} is running now "
            f"({holder(source, running[0]) or 'another process'}); stop it or let it end, "
            "then salvage the store"
        )
    with tempfile.TemporaryDirectory(prefix="assay-salvage-") as folder:
        try:
            copy = _copy_aside(source, Path(folder))
        except OSError as exc:
            raise StoreError(f"{source}: cannot read the file: {exc.strerror or exc}") from exc
        src = sqlite3.connect(str(copy), isolation_level=None)
        try:
            return _salvage(src, source, target, say)
        finally:
            src.close()


_BESIDE = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a store


def _refuse_existing(target: Path) -> None:
    """Refuse a ``target`` that exists, or a link at it or at a file SQLite keeps beside it
    (even one to nothing: SQLite would make the store at the link's target, a file the user
    never named; ``core.outfile``'s rule for every other file assay writes)."""
    for path in (target, *(target.with_name(target.name + end) for end in _BESIDE)):
        if path.is_symlink():
            raise UsageError(
                f"{path} is a link (to {os.readlink(path)!r}): the salvage writes a new store, "
                "never through a link; give a path that does not exist",
                argument="TARGET",
            )
    if target.exists() or target.with_name(target.name + "-wal").exists():
        raise UsageError(
            f"{target} exists: the salvage writes a new store; give a file that does not exist",
            argument="TARGET",
        )


def _made_new(target: Path) -> None:
    """Make the new store's file, empty, by this process alone (``O_EXCL``, ``O_NOFOLLOW``):
    a link planted at ``target`` after ``_refuse_existing`` is refused, not followed."""
    try:
        os.close(os.open(target, _NEW, 0o600))  # (private, as a new store is)
    except FileExistsError:
        raise UsageError(
            f"{target} appeared while the salvage read the damaged store (a file or a link): "
            "the salvage writes a new store; give a path that does not exist",
            argument="TARGET",
        ) from None


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _salvage(
    src: sqlite3.Connection,
    source: Path,
    target: Path,
    say: Callable[[SavedRun], None] | None,
) -> Salvage:
    schema = _schema(src, source)
    ids = _run_ids(src)
    tables = {str(name) for (name,) in _rows(src, "SELECT name FROM sqlite_master")}
    if not ids and not tables:
        raise StoreError(
            f"{source}: nothing in the file reads as a run store (no table, no run): there is "
            "nothing to salvage"
        )
    if not ids and tables and not tables & {"meta", "runs", "findings"}:
        shown = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{source}: a SQLite database, but not an assay run store (its tables: {shown}): "
            "there is nothing to salvage"
        )
    done = Salvage(source, target, schema)
    _made_new(target)
    RunStore(target, compaction="off").close()  # a new store: its schema, WAL, pragmas
    dst = sqlite3.connect(str(target), timeout=30.0, isolation_level=None)
    try:
        for run_id in ids:
            dst.execute("BEGIN IMMEDIATE")
            try:
                run = _copy_run(src, dst, run_id)
                dst.execute("COMMIT")
            except BaseException:
                dst.execute("ROLLBACK")
                raise
            done.runs.append(run)
        with RunStore(target, read_only=True) as check:
            for run in done.saved:
                why = _check_back(check, run)
                if why:
                    _drop(dst, run.id)
                    run.outcome, run.why = "lost", why
                elif missing := _witnesses_missing(check, run):  # (its counts are whole)
                    _lost_later(dst, run, missing)
        for run in done.runs:
            if say is not None:
                say(run)
    finally:
        dst.close()
    return done
