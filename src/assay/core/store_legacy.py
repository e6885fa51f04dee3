"""A run of a schema-1 store continued by this assay: its findings counted and capped.

Before tallies (schema 1, assay of 2026-12-01 and earlier) a run kept every finding as an
``np.savez`` blob.  Such a run, resumed by this assay, went on writing every finding that way:
the 2.6 million IDIs of a fairness run killed mid-way grew to 12.5 million in its resumed
search, 1.97 GB of store, when a run of this assay keeps 100,000 witnesses of them.  The
first write of such a run adopts it: its stored findings are counted and capped again in the
order they were found, with the run's seed, exactly as a run of this assay keeps them
(``core.witnesses``), in the transaction of that write (killed, the run stays as it was).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from assay.core.columnar import is_columnar
from assay.core.findings import FindingBatch
from assay.core.store_blobs import decode_batch
from assay.core.witnesses import DEFAULT_KEEP, Tallies

__all__ = ["adopt"]

# (tallies, batch, seq): writes the batch's witnesses as blobs numbered from ``seq``
Writer = Callable[[Tallies, FindingBatch, int], None]


def adopt(db: sqlite3.Connection, run_id: str, write: Writer) -> Tallies:
    """The run's tallies, made from its stored findings (one blob at a time, each replaced
    by the witnesses it keeps) and stored; call inside the transaction of a write."""
    (seed,) = db.execute("SELECT seed FROM runs WHERE id=?", (run_id,)).fetchone()
    tallies = Tallies(DEFAULT_KEEP, int(seed))
    old = [
        int(r[0])
        for r in db.execute(
            "SELECT seq FROM findings WHERE run_id=? ORDER BY seq", (run_id,)
        ).fetchall()
    ]
    for seq in old:
        (data,) = db.execute(
            "SELECT data FROM findings WHERE run_id=? AND seq=?", (run_id, seq)
        ).fetchone()
        raw = bytes(data)
        batch = decode_batch(raw)[0] if is_columnar(raw) else FindingBatch.from_bytes(raw)
        db.execute("DELETE FROM findings WHERE run_id=? AND seq=?", (run_id, seq))
        if len(batch):
            (top,) = db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM findings WHERE run_id=?", (run_id,)
            ).fetchone()
            write(tallies, batch, max(int(top), old[-1] + 1))
    return tallies
