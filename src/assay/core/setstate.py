"""Sorted sets of uint64 keys in the run store's resume state, kept small as they grow.

A search's set of evaluated classes reaches a hundred million keys in a long run.  Each
checkpoint appends the keys added since the previous one as one sorted chunk (``FRESH``), which
the columnar encoding stores as the gaps between neighbours.  Gaps shrink as a set grows, so
many small chunks cost more bytes a key than one large set: the chunks are merged as they
accumulate, LSM-style.

- ``FRESH_MERGE`` fresh chunks are merged and split into ``BUCKETS`` buckets by key stripe
  (the stripe's index modulo the bucket count; about ``2**STRIPES`` stripes span the keys: a
  stripe is wide enough that few gaps cross one, and stripes spread a clustered set evenly
  over the buckets);
- within a bucket, chunks are tiered by size (a tier per factor ``FANOUT``): ``FANOUT`` chunks
  of one tier are merged into one of the next.

A merge's output chunk of at least ``PACK_MIN`` bytes (the large, long-lived ones, which
hold nearly all of a long run's keys) is the columnar blob compressed with zlib (level 1):
the grouped gap bytes of a clustered set repeat (gaps of one step in one feature's digit
recur all over), and zlib takes about a fifth off them (on the benchmark tree: 20.9 bits a
key in the blob, 16.4 compressed, for a 28.6 M-key set).  Fresh chunks, short-lived, stay
plain; every reader takes both (``decode_set``), so stores written before read as they were.

Every merge is one transaction: it reads its input chunks, then deletes them and inserts the
result atomically, so a process killed at any moment leaves the same set (merged or not)
and a resumed run restores exactly what was committed.  A merge writes at most one bucket's
share of the set, which bounds what the WAL holds at once.  Merges run on a background thread
with their own connection (``Compactor``): numpy and SQLite release the GIL for most of the
work, so the search keeps its core.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assay.core.columnar import decode_array, encode_array
from assay.core.store_index import index_writable, keep_open, lost, mark_lost

__all__ = [
    "BUCKETS",
    "FRESH",
    "Compactor",
    "Job",
    "checkpoint_wal",
    "compact",
    "decode_set",
    "encode_set",
    "give_back",
    "is_set_part",
    "plan",
]

FRESH = "set"  # the part of a chunk appended by a checkpoint (every bucket)
BUCKETS = 16
STRIPES = 22
FANOUT = 4
FRESH_MERGE = 4
_TIER_BASE = 4096  # bytes: chunks up to this size share the lowest tier
PACKED = b"AYZ1"  # a set chunk whose columnar blob is compressed with zlib
_LEVEL = 1  # zlib level: 6 takes 2 % more off for three times the CPU
PACK_MIN = 1 << 18  # bytes of a merged chunk's blob from which it is compressed


def encode_set(keys: np.ndarray) -> bytes:
    """A sorted uint64 set as a merged chunk: the columnar blob (gaps), zlib-compressed when
    it takes at least ``PACK_MIN`` bytes (smaller chunks are soon merged again: the CPU
    would be spent over and over for little)."""
    blob = encode_array(keys)
    if len(blob) < PACK_MIN:
        return blob
    return PACKED + zlib.compress(blob, _LEVEL)


def decode_set(data: bytes) -> np.ndarray:
    """The keys of a set chunk: merged (compressed) or fresh (a plain columnar blob)."""
    if data[: len(PACKED)] == PACKED:
        return decode_array(zlib.decompress(data[len(PACKED) :]))
    return decode_array(data)


def is_set_part(part: str) -> bool:
    return part == FRESH or part.startswith(FRESH + "/")


def bucket_part(bucket: int) -> str:
    return f"{FRESH}/{bucket}"


def buckets_of(keys: np.ndarray) -> np.ndarray:
    """The bucket of each key of a sorted array.  (Buckets only group chunks worth merging:
    a set is the union of its chunks whatever their buckets.)"""
    shift = max(0, int(keys[-1]).bit_length() - STRIPES) if len(keys) else 0
    return ((keys >> np.uint64(shift)) & np.uint64(BUCKETS - 1)).astype(np.intp)


def _tier(nbytes: int) -> int:
    return max(0, int(math.log(max(nbytes, 1) / _TIER_BASE, FANOUT)))


@dataclass(frozen=True)
class Job:
    """Merge the chunks ``seqs`` of set ``name``: split into buckets (fresh chunks) or into
    one chunk of ``part``."""

    name: str
    seqs: tuple[int, ...]
    part: str | None  # None: split the result into buckets


def plan(rows: Sequence[tuple[str, int, str, int]]) -> list[Job]:
    """The merges due, given the set chunks as (name, seq, part, bytes)."""
    fresh: dict[str, list[int]] = {}
    tiers: dict[tuple[str, str, int], list[int]] = {}
    for name, seq, part, nbytes in rows:
        if part == FRESH:
            fresh.setdefault(name, []).append(seq)
        elif is_set_part(part):
            tiers.setdefault((name, part, _tier(nbytes)), []).append(seq)
    jobs = [Job(name, tuple(sorted(s)), None) for name, s in fresh.items() if len(s) >= FRESH_MERGE]
    for (name, part, _), seqs in sorted(tiers.items()):
        if len(seqs) >= FANOUT:
            jobs.append(Job(name, tuple(sorted(seqs)), part))
    return jobs


def merged(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The sorted union of sorted uint64 arrays (a key in two parts appears once)."""
    keys = np.concatenate([np.asarray(p, dtype=np.uint64) for p in parts])
    keys.sort(kind="stable")  # runs of sorted input: merged, not re-sorted
    if len(keys) > 1:
        keep = np.empty(len(keys), dtype=bool)
        keep[0] = True
        np.not_equal(keys[1:], keys[:-1], out=keep[1:])
        if not keep.all():
            keys = keys[keep]
    return keys


def _outputs(job: Job, keys: np.ndarray) -> list[tuple[str, bytes]]:
    if job.part is not None:
        return [(job.part, encode_set(keys))]
    which = buckets_of(keys)
    order = np.argsort(which, kind="stable")  # sorted within each bucket
    bounds = np.searchsorted(which[order], np.arange(BUCKETS + 1))
    out = []
    for b in range(BUCKETS):
        part = keys[order[bounds[b] : bounds[b + 1]]]
        if len(part):
            out.append((bucket_part(b), encode_set(part)))
    return out


def compact(
    db: sqlite3.Connection,
    run_id: str,
    *,
    max_jobs: int | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Run the merges due for ``run_id`` on ``db`` (autocommit mode); the number done.

    A merge whose input changed meanwhile (another writer merged or dropped it) is skipped;
    so is one whose ``cancel`` is set before it writes (its run ended: the state goes).
    """
    done = 0
    while max_jobs is None or done < max_jobs:
        rows = db.execute(
            "SELECT name, seq, part, LENGTH(data) FROM state WHERE run_id=? AND part LIKE ?",
            (run_id, FRESH + "%"),
        ).fetchall()
        jobs = plan([(str(n), int(s), str(p), int(b)) for n, s, p, b in rows])
        if not jobs:
            return done
        for job in jobs:
            if max_jobs is not None and done >= max_jobs:
                return done
            if _run(db, run_id, job, cancel):
                done += 1
            elif cancel is not None and cancel.is_set():
                return done
    return done


def _run(
    db: sqlite3.Connection, run_id: str, job: Job, cancel: threading.Event | None = None
) -> bool:
    marks = ",".join("?" * len(job.seqs))
    where = f"run_id=? AND name=? AND seq IN ({marks})"
    args = (run_id, job.name, *job.seqs)
    found = db.execute(f"SELECT data FROM state WHERE {where}", args).fetchall()
    if len(found) != len(job.seqs):
        return False
    sets = []
    for (data,) in found:
        if cancel is not None and cancel.is_set():
            return False
        sets.append(decode_set(bytes(data)))
    keys = merged(sets)
    outputs = _outputs(job, keys)
    if cancel is not None and cancel.is_set():
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        (still,) = db.execute(f"SELECT COUNT(*) FROM state WHERE {where}", args).fetchone()
        if still != len(job.seqs):
            db.execute("ROLLBACK")
            return False
        db.execute(f"DELETE FROM state WHERE {where}", args)
        (seq,) = db.execute(
            "SELECT COALESCE(MAX(seq) + 1, 0) FROM state WHERE run_id=? AND name=?",
            (run_id, job.name),
        ).fetchone()
        db.executemany(
            "INSERT INTO state VALUES (?, ?, ?, ?, ?)",
            [(run_id, job.name, seq + i, part, blob) for i, (part, blob) in enumerate(outputs)],
        )
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    give_back(db)
    return True


VACUUM_STEP = 1024  # pages given back to the file system per step (4 MB of 4 KiB pages)


def give_back(db: sqlite3.Connection, *, checkpoint: str = "PASSIVE") -> None:
    """Give a store's free pages back to the file system, in steps of ``VACUUM_STEP`` pages
    with the WAL checkpointed after each: in one step the vacuum of a large deletion went
    through the WAL whole, and the store (file and WAL) grew by what was deleted before
    shrinking (a 380 MB resume state took a 10-minute run's store to 705 MB).
    ``checkpoint``: PASSIVE never waits (a checkpointed WAL is written again from its
    start); TRUNCATE, for a run's end, empties the file when no one reads it
    (``checkpoint_wal``)."""
    before = None
    while True:
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
        if not free or (before is not None and free >= before):
            break
        before = free
        # executescript runs the pragma to completion (execute would free one page)
        db.executescript(f"PRAGMA incremental_vacuum({VACUUM_STEP});")
        checkpoint_wal(db, checkpoint)


TRUNCATE_WAIT_MS = 250
"""How long a TRUNCATE checkpoint waits for the other connections' readers and writer."""


def checkpoint_wal(db: sqlite3.Connection, mode: str = "PASSIVE") -> None:
    """Copy the WAL into the store (``mode`` PASSIVE: what no reader needs, never waiting;
    TRUNCATE: all of it, then empty the file).  TRUNCATE waits at most ``TRUNCATE_WAIT_MS``
    for other connections, then does what PASSIVE does: while it waits SQLite holds off
    every other writer, and on a store that CI jobs share (a run reading, another
    checkpointing) the wait took the connection's whole busy timeout, 30 s, so that another
    run's checkpoint, which waits as long, failed with "database is locked" (exit 4, the run
    stalled) while ``assay prune`` gave back the space of the runs it deleted."""
    if mode != "TRUNCATE":
        db.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
        return
    (patience,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute(f"PRAGMA busy_timeout={TRUNCATE_WAIT_MS}")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        db.execute(f"PRAGMA busy_timeout={int(patience)}")


class Compactor:
    """Merges a run's set chunks on a background thread, woken after each checkpoint.

    Compaction is an optimisation: a failure (a full disk, a locked store) stops it and
    leaves the store as it was, readable and resumable.
    """

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id
        self.error: BaseException | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="assay-compactor", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, *, abandon: bool = False) -> None:
        """Stop after the merge in progress (its transaction commits or rolls back);
        ``abandon``: a merge not yet writing is dropped (the run ended: its state goes, and
        merging it would only delay the run's end)."""
        if abandon:
            self._cancel.set()
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def _loop(self) -> None:
        try:
            db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
            # a merge's deleted chunks are not zeroed through the WAL (the vacuum after it
            # truncates or reuses their pages): the store's choice, see ``store._drop_state``
            db.execute("PRAGMA secure_delete=FAST")
        except sqlite3.Error as exc:
            self.error = exc
            return
        try:
            while not self._stop.is_set():
                self._wake.wait()
                self._wake.clear()
                while (
                    not self._stop.is_set()
                    and self._index_kept()
                    and compact(db, self.run_id, max_jobs=1, cancel=self._cancel)
                ):
                    pass
        except Exception as exc:  # an optimisation that failed: stop it
            self.error = exc
        finally:
            if self._index_kept():
                db.close()
            else:  # (its index unwritable: closing would kill the process, ``store_index``)
                keep_open(db)

    def _index_kept(self) -> bool:
        where = os.path.abspath(self.path)
        if not lost(where) and not index_writable(self.path):
            mark_lost(where)
        return not lost(where)


def load_parts(rows: Sequence[tuple[str, bytes]]) -> dict[str, np.ndarray]:
    """Each set's keys (unsorted union of its chunks) from (name, blob) rows."""
    parts: dict[str, list[np.ndarray]] = {}
    for name, data in rows:
        parts.setdefault(name, []).append(decode_set(bytes(data)))
    return {k: np.concatenate(v) for k, v in parts.items()}
