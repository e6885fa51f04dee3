"""The resume state's sorted sets: merged as they grow (exact after a kill at any moment:
test_setstate_kill, timed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.checkpoint import Snapshot
from assay.core.columnar import encode_array
from assay.core.setstate import (
    BUCKETS,
    FANOUT,
    FRESH_MERGE,
    PACK_MIN,
    PACKED,
    decode_set,
    encode_set,
    merged,
    plan,
)
from assay.core.store import RunStore

_CENTRES = np.random.default_rng(0).integers(0, 2**52, 64, dtype=np.uint64)


def _clustered(rng: np.random.Generator, n: int) -> np.ndarray:
    """Keys like a search's classes: clusters in a 2**52 space, the same all run long."""
    centres = _CENTRES
    near = rng.integers(0, 2**26, n, dtype=np.uint64)
    return np.unique(centres[rng.integers(0, 64, n)] + near)


def _run(store: RunStore) -> None:
    store.create_run(
        run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )


def _state(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    rows, size = db.execute(
        "SELECT COUNT(*), SUM(LENGTH(data)) FROM state WHERE part LIKE 'set%'"
    ).fetchone()
    db.close()
    return int(rows), int(size)


def test_merging_keeps_the_set_exact_and_smaller_than_its_chunks(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    keys = _clustered(rng, 2_400_000)
    rng.shuffle(keys)  # disjoint chunks, as a search's checkpoints are
    chunks = [np.sort(c) for c in np.array_split(keys, 120)]
    sizes = {}
    for mode in ("off", "inline"):
        store = RunStore(tmp_path / f"{mode}.db", compaction=mode)
        _run(store)
        for i, c in enumerate(chunks):
            store.checkpoint("r", snapshot=Snapshot(values={"i": i}, sets={"s": c}))
        snap = store.load_snapshot("r")
        store.close()
        assert snap is not None and snap.values == {"i": 119}
        assert np.array_equal(np.sort(snap.sets["s"]), merged(chunks))
        sizes[mode] = _state(tmp_path / f"{mode}.db")
    rows_off, bytes_off = sizes["off"]
    rows_on, bytes_on = sizes["inline"]
    assert rows_off == 120
    # at most FANOUT - 1 chunks per tier and bucket, plus fresh ones not merged yet
    assert rows_on < FRESH_MERGE + BUCKETS * (FANOUT - 1) * 4, rows_on
    assert bytes_on < 0.85 * bytes_off, (bytes_on, bytes_off)


def test_merged_chunks_are_compressed_and_read_back_exactly() -> None:
    rng = np.random.default_rng(4)
    for keys in (
        np.array([7], dtype=np.uint64),
        np.array([0, 2**64 - 1], dtype=np.uint64),
        _clustered(rng, 200_000),
        np.unique(rng.integers(0, 2**63, 50_000, dtype=np.uint64)),
    ):
        blob = encode_set(keys)
        assert blob.startswith(PACKED) == (len(encode_array(keys)) >= PACK_MIN)
        back = decode_set(blob)
        assert back.dtype == np.uint64 and np.array_equal(back, keys)
        assert np.array_equal(decode_set(encode_array(keys)), keys)  # a fresh (plain) chunk
    # the gaps of a clustered set compress: smaller than the plain columnar blob
    keys = _clustered(rng, 400_000)
    assert len(encode_set(keys)) < 0.9 * len(encode_array(keys))


def test_a_store_with_plain_merged_chunks_restores_and_merges_on(tmp_path: Path) -> None:
    """Stores written before merged chunks were compressed: their bucket chunks are plain
    columnar blobs; they restore as they were and merge with compressed ones."""
    rng = np.random.default_rng(5)
    old = [_clustered(rng, 120_000) for _ in range(FANOUT)]  # merged: over PACK_MIN
    store = RunStore(tmp_path / "old.db", compaction="inline")
    _run(store)
    db = sqlite3.connect(tmp_path / "old.db")
    for i, keys in enumerate(old):  # as the older merge wrote them: plain, in bucket 0
        db.execute("INSERT INTO state VALUES ('r', 's', ?, 'set/0', ?)", (i, encode_array(keys)))
    db.commit()
    db.close()
    snap = store.load_snapshot("r")
    assert snap is not None and np.array_equal(np.unique(snap.sets["s"]), merged(old))
    new = [_clustered(rng, 120_000) for _ in range(3 * FRESH_MERGE)]
    for c in new:
        store.checkpoint("r", snapshot=Snapshot(sets={"s": c}))
    snap = store.load_snapshot("r")
    store.close()
    assert snap is not None and np.array_equal(np.unique(snap.sets["s"]), merged(old + new))
    db = sqlite3.connect(tmp_path / "old.db")
    parts = db.execute("SELECT seq, data FROM state WHERE part LIKE 'set/%'").fetchall()
    db.close()
    assert all(seq >= FANOUT for seq, _ in parts)  # the plain chunks were merged away
    assert any(bytes(d).startswith(PACKED) for _, d in parts)


def test_the_plan_merges_fresh_chunks_then_each_tier_of_a_bucket() -> None:
    assert plan([("s", i, "set", 100) for i in range(FRESH_MERGE - 1)]) == []
    (job,) = plan([("s", i, "set", 100) for i in range(FRESH_MERGE)])
    assert job.part is None and job.seqs == tuple(range(FRESH_MERGE))
    rows = [("s", i, "set/3", 50_000) for i in range(FANOUT)] + [("s", 9, "set/3", 10**7)]
    (job,) = plan(rows)
    assert job.part == "set/3" and job.seqs == tuple(range(FANOUT))  # the big chunk waits
    assert plan([("s", i, f"set/{i}", 50_000) for i in range(FANOUT)]) == []


def test_a_merge_that_fails_half_way_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assay.core.setstate as setstate

    rng = np.random.default_rng(2)
    chunks = [_clustered(rng, 5_000) for _ in range(FRESH_MERGE)]
    store = RunStore(tmp_path / "s.db", compaction="off")
    _run(store)
    for c in chunks:
        store.checkpoint("r", snapshot=Snapshot(sets={"s": c}))
    before = _state(tmp_path / "s.db")

    def broken(job: object, keys: np.ndarray) -> list[tuple[str, bytes]]:
        return [("set/0", b"x"), ("set/0", None)]  # type: ignore[list-item]  # NOT NULL fails

    monkeypatch.setattr(setstate, "_outputs", broken)
    with pytest.raises(sqlite3.IntegrityError):
        setstate.compact(store._db, "r")  # the second insert fails after the delete
    assert _state(tmp_path / "s.db") == before
    snap = store.load_snapshot("r")
    assert snap is not None and np.array_equal(np.sort(snap.sets["s"]), merged(chunks))
    store.close()
