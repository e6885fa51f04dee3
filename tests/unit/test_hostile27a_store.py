"""hostile27a: the run store as a platform team keeps it in CI over months: a store of a
newer assay is refused and left as it was (never given this assay's tables, nor switched
to WAL, before the refusal); pruning runs, or a run's end, never holds off another run
writing the same store (the WAL emptied under a reader, timed: test_hostile27a_wal_wait)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.errors import StoreError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()


def _newer_store(path: Path) -> None:
    """A store as a newer assay (schema 5) might leave it: a table dropped, one renamed, a
    rollback journal."""
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='5' WHERE key='schema'")
    db.execute("DROP TABLE state")
    db.execute("ALTER TABLE tallies RENAME TO counts")
    db.commit()
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_of_a_newer_assay_is_refused_and_left_as_it_was(
    tmp_path: Path, read_only: bool
) -> None:
    path = tmp_path / "runs.db"
    _newer_store(path)
    before, tables = _digest(path), _tables(path)
    with pytest.raises(StoreError, match=r"store schema 5 is newer than this assay") as err:
        RunStore(path, read_only=read_only)
    assert "left as it is" in str(err.value)
    assert _digest(path) == before  # not switched to WAL
    # none made again
    assert _tables(path) == tables == {"meta", "runs", "findings", "counts", "configs"}
    assert not Path(f"{path}-wal").exists()


def _findings(n: int, seed: int) -> FindingBatch:
    rng = np.random.default_rng(seed)
    return FindingBatch(
        "idi", rng.integers(0, 9, (n, 2, 3)), rng.integers(0, 2, (n, 2)), rng.random(n)
    )


def _numbers(store: RunStore, run_id: str) -> list[int]:
    return sorted(int(i) for _, idx in store.iter_witnesses(run_id) for i in idx)


def test_a_run_of_a_schema_1_store_resumed_here_keeps_a_capped_set_of_witnesses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before tallies (schema 1) a run kept every finding (np.savez blobs), and resumed by
    this assay it went on so: a fairness run killed at 2.6 million IDIs grew the store to
    1.97 GB in its resumed search.  Now its first write adopts it: the witnesses kept are
    those a run of this assay with the same seed keeps of the same findings, and every
    finding is still counted."""
    from assay.core import store_legacy

    monkeypatch.setattr(store_legacy, "DEFAULT_KEEP", 100)
    before = [_findings(300, s) for s in range(6)]
    after = [_findings(300, s) for s in range(6, 8)]
    with RunStore(tmp_path / "old.db", compaction="off") as store:
        store.create_run(
            run_id="old", technique="toy", seed=5, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
        store._db.execute("DELETE FROM tallies")  # as a schema-1 store holds it
        store._tallies.clear()
        store._db.executemany(
            "INSERT INTO findings VALUES (?,?,?,?,?,?)",
            [("old", i, b.kind, len(b), b.max_severity, b.to_bytes()) for i, b in
             enumerate(before)],
        )  # fmt: skip
        assert len(_numbers(store, "old")) == 1800  # every finding, as schema 1 kept them
        # resumed: its next checkpoints
        for b in after:
            store.checkpoint("old", findings=[b], snapshot=Snapshot(values={"at": 1}))
        kept, total = _numbers(store, "old"), store.count_findings("old")
        high = store.count_at_or_above("old", 0.5)
    with RunStore(tmp_path / "new.db", compaction="off") as store:
        store.create_run(
            run_id="new", technique="toy", seed=5, command="x", config={}, model={},
            versions={}, keep_findings=100,
        )  # fmt: skip
        for b in before + after:
            store.checkpoint("new", findings=[b], snapshot=Snapshot(values={"at": 1}))
        assert kept == _numbers(store, "new")
        assert total == store.count_findings("new") == 2400
        assert high == store.count_at_or_above("new", 0.5) > 0
    assert len(kept) <= 100 + 64  # the cap, and the most severe


def test_choosing_runs_to_prune_reads_no_run_whole(tmp_path: Path) -> None:
    """A store CI keeps for months holds thousands of runs, each with its config (a text
    run's grammar, a schema) and summary: ``assay prune`` parsed every one of them to pick
    by age and rank (0.6 MB of memory a run: 400 MB for 600 runs, 2.7 s)."""
    import tracemalloc

    from assay.core import retention

    path = tmp_path / "runs.db"
    big = "x" * 2_000_000
    with RunStore(path, compaction="off") as store:
        for k in range(20):
            store.create_run(
                run_id=f"toy-{k:02d}", technique="toy", seed=k, command="x",
                config={"grammar": big}, model={}, versions={},
            )  # fmt: skip
            store.checkpoint(f"toy-{k:02d}", findings=[_findings(10, k)], status="completed")
            store._db.execute("UPDATE runs SET created=? WHERE id=?", (k, f"toy-{k:02d}"))
        tracemalloc.start()
        try:
            chosen = retention.select(store, retention.Policy(keep_last=5))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert [r.id for r in chosen.runs] == [f"toy-{k:02d}" for k in range(14, -1, -1)]
        assert chosen.findings == 150 and chosen.kept == 5
        assert peak < 4_000_000, peak  # (every config read: 40 MB of text, parsed)
        done = retention.delete(store, chosen)
        assert [r.id for r in store.list_runs(limit=-1)] == [
            f"toy-{k:02d}" for k in range(19, 14, -1)
        ]
        assert done.bytes_after < done.bytes_before


def test_a_live_store_locked_past_the_wait_is_not_read_without_its_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only command falls back to reading the file as immutable (for a read-only file
    system, where no one writes); after a lock on a live store it read the file without its
    WAL: the runs there committed missing, without a word."""
    from assay.core import store_file

    path = tmp_path / "runs.db"
    RunStore(path).close()  # (its tables in the file itself)
    writer = RunStore(path, compaction="off")
    writer.create_run(
        run_id="live", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    writer.checkpoint("live", findings=[_findings(10, 1)], progress={"queries": 10})
    stale = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    assert stale.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)  # (in the WAL only)
    stale.close()
    real = sqlite3.connect

    def locked(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        if "mode=ro" in str(database):
            raise sqlite3.OperationalError("database is locked")
        return real(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_file.sqlite3, "connect", locked)
    with pytest.raises(StoreError, match=r"database is locked .*try again"):
        RunStore(path, read_only=True)
    monkeypatch.undo()
    with RunStore(path, read_only=True) as reader:
        assert reader.count_findings("live") == 10
    writer.close()


_HOLDER = """
import sys, time
from assay.core.store import RunStore
store = RunStore(sys.argv[1])
store.create_run(run_id="live", technique="toy", seed=1, command="x", config={}, model={},
                 versions={})
store.checkpoint("live", status="running")
print("ready", flush=True)
time.sleep(600)
"""


def test_a_store_from_before_incremental_vacuum_is_not_rewritten_under_a_running_run(
    tmp_path: Path,
) -> None:
    """A store made before incremental vacuum is rewritten whole (``VACUUM``) by its first
    deletion, holding the write lock throughout: 9.6 s for 457 MB here, and a store of GBs
    held other CI jobs' checkpoints off past their 30 s ("database is locked").  While another
    run runs, the deleted rows are zeroed instead and the rewrite waits for a prune when
    nothing runs, which says so."""
    import os
    import subprocess
    import sys

    from assay.core import retention

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")  # (an old store)
    db.commit()
    db.close()
    store = RunStore(path, compaction="off")
    assert store._db.execute("PRAGMA auto_vacuum").fetchone() == (0,)
    for run_id, n in (("gone-PLANTED", 20_000), ("kept", 10)):
        store.create_run(
            run_id=run_id, technique="toy", seed=1, command=f"x {run_id}", config={},
            model={}, versions={},
        )  # fmt: skip
        store.checkpoint(run_id, findings=[_findings(n, 3)], status="completed")
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    size = path.stat().st_size
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        done = retention.delete(store, retention.named(store, ["gone-PLANTED"]))
        assert done.note is not None and "not given back" in done.note
        assert "run live (running now)" in done.note
    finally:
        proc.kill()
        proc.communicate()
    store.close()
    assert path.stat().st_size >= size  # not rewritten under the running run
    assert b"gone-PLANTED" not in path.read_bytes()  # but nothing of it left to read
    with RunStore(path, compaction="off") as store:  # nothing runs: rewritten whole now
        assert store.delete_runs(["live"]) is None
        assert {r.id for r in store.list_runs(limit=-1)} == {"kept"}
    assert path.stat().st_size < size / 2
