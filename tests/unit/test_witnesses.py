"""The run store keeps a capped, seeded, representative set of witnesses, counts every finding
exactly, and stores witnesses and resume state in a compact lossless columnar encoding."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assay.core.columnar import decode_arrays, encode_arrays
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.core.witnesses import MUST_KEEP, TOP, parse_keep
from assay.errors import UsageError
from assay.report import build_document

KIND = "toy"


def _batches(n_batches: int, size: int, seed: int = 0, kind: str = KIND) -> list[FindingBatch]:
    """Findings numbered in order: inputs[:, 0, 0] is the finding's number."""
    rng = np.random.default_rng(seed)
    out = []
    start = 0
    for _ in range(n_batches):
        num = np.arange(start, start + size)
        inputs = np.stack([num, num % 7], axis=1)[:, None, :].astype(np.int64)
        sev = rng.choice([0.25, 0.5, 0.75, 1.0], size) * rng.random(size).round(3)
        out.append(
            FindingBatch(
                kind=kind,
                inputs=inputs,
                outputs=(num % 2)[:, None],
                severity=sev,
                columns={"origin": num * 3},
                details={"features": ["n", "m"]},
            )
        )
        start += size
    return out


def _run(
    tmp_path: Path,
    batches: list[FindingBatch],
    *,
    keep: int | None,
    seed: int = 5,
    per_checkpoint: int = 1,
    reopen_every: int | None = None,
    name: str = "s.db",
) -> tuple[RunStore, str]:
    store = RunStore(tmp_path / name)
    run_id = "toy-run"
    store.create_run(
        run_id=run_id,
        technique="toy",
        seed=seed,
        command="x",
        config={},
        model={},
        versions={},
        keep_findings=keep,
    )
    for c, start in enumerate(range(0, len(batches), per_checkpoint)):
        if reopen_every and c and c % reopen_every == 0:  # as a kill and resume would
            store.close()
            store = RunStore(tmp_path / name)
        store.checkpoint(run_id, findings=batches[start : start + per_checkpoint])
    store.checkpoint(run_id, status="completed")
    return store, run_id


def _kept_numbers(store: RunStore, run_id: str) -> np.ndarray:
    rows = [b.inputs[:, 0, 0] for b in store.iter_batches(run_id)]
    return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)


def _all_severities(batches: list[FindingBatch]) -> np.ndarray:
    return np.concatenate([b.severity for b in batches])


# -- the cap -----------------------------------------------------------------------------------
def test_cap_keeps_first_half_a_sample_and_the_most_severe_with_exact_counts(
    tmp_path: Path,
) -> None:
    batches = _batches(40, 500)  # 20,000 findings
    store, run_id = _run(tmp_path, batches, keep=1000)
    kept = _kept_numbers(store, run_id)
    sev = _all_severities(batches)
    # counts stay exact: all findings, by severity
    assert store.count_findings(run_id) == 20_000
    assert store.get_run(run_id).n_findings == 20_000
    assert store.get_run(run_id).max_severity == pytest.approx(sev.max())
    for t in (0.0, 0.1, 0.25, 0.5, 0.731, 1.0):
        expect = len(sev) if t == 0 else int((sev >= t).sum())
        assert store.count_at_or_above(run_id, t) == expect, t
    # the kept set: the first 500, a sample of 500 of the rest, the TOP most severe
    assert len(np.unique(kept)) == len(kept)
    assert set(range(500)) <= set(kept.tolist())
    later = kept[kept >= 500]
    order = np.lexsort((np.arange(len(sev)), -sev))
    top = set(order[:TOP].tolist())
    assert top <= set(kept.tolist())
    sampled = set(later.tolist()) - top
    assert 500 - TOP <= len(sampled) <= 500
    assert len(kept) <= 1000 + TOP
    assert store.witness_counts(run_id) == {KIND: {"found": 20_000, "kept": len(kept)}}
    # representative: the sample is spread over the whole run, not bunched at its start
    assert 8_000 < float(np.mean(sorted(sampled))) < 13_000
    # nothing dead is left in the store once the run ended
    db = sqlite3.connect(tmp_path / "s.db")
    (stored,) = db.execute("SELECT SUM(n) FROM findings").fetchone()
    assert stored == len(kept)


def test_sample_depends_on_the_seed_only_not_on_checkpoints_or_resumes(tmp_path: Path) -> None:
    batches = _batches(30, 400)
    a, ra = _run(tmp_path, batches, keep=600, name="a.db")
    b, rb = _run(tmp_path, batches, keep=600, per_checkpoint=7, reopen_every=2, name="b.db")
    c, rc = _run(tmp_path, batches, keep=600, seed=6, name="c.db")
    ka, kb, kc = _kept_numbers(a, ra), _kept_numbers(b, rb), _kept_numbers(c, rc)
    assert np.array_equal(ka, kb)  # same seed: the same witnesses, in the same order
    assert not np.array_equal(np.sort(ka), np.sort(kc))  # another seed: another sample
    assert np.all(np.diff(ka[ka >= 300]) > 0)  # the sample in the order found


def test_reports_show_the_same_examples_with_or_without_a_cap(tmp_path: Path) -> None:
    batches = _batches(20, 300)
    capped, r1 = _run(tmp_path, batches, keep=100, name="capped.db")
    full, r2 = _run(tmp_path, batches, keep=None, name="full.db")
    d1, d2 = build_document(capped, r1), build_document(full, r2)
    assert d1["findings"]["examples"] == d2["findings"]["examples"]
    assert d1["findings"]["total"] == d2["findings"]["total"] == 6000
    assert d1["findings"]["kept"] < 200 and d2["findings"]["kept"] == 6000
    assert d1["findings"]["keep_findings"] == 100 and d2["findings"]["keep_findings"] is None


def test_must_keep_witnesses_are_always_kept(tmp_path: Path) -> None:
    batches = _batches(10, 1000)
    marked = []
    for b in batches:
        mark = b.inputs[:, 0, 0] % 997 == 3
        marked += b.inputs[mark, 0, 0].tolist()
        b.columns[MUST_KEEP] = mark
    store, run_id = _run(tmp_path, batches, keep=10)
    assert set(marked) <= set(_kept_numbers(store, run_id).tolist())
    assert store.count_findings(run_id) == 10_000


def test_keep_zero_keeps_only_the_most_severe(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, _batches(5, 200), keep=0)
    assert len(_kept_numbers(store, run_id)) == TOP
    assert store.count_findings(run_id) == 1000


def test_runs_of_older_stores_are_still_read(tmp_path: Path) -> None:
    """A run written before tallies existed (np.savez blobs, no tallies row)."""
    store = RunStore(tmp_path / "old.db")
    store.create_run(
        run_id="old", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    store._db.execute("DELETE FROM tallies")
    store._tallies.clear()
    batches = _batches(3, 10)
    store.checkpoint("old", findings=batches)
    assert store.count_findings("old") == 30
    assert np.array_equal(_kept_numbers(store, "old"), np.arange(30))
    assert store.count_at_or_above("old", 0.5) == int((_all_severities(batches) >= 0.5).sum())
    # a threshold met exactly counts (--fail-on S fails at S, not only above it)
    sev = np.sort(_all_severities(batches))
    at = float(sev[len(sev) // 2])
    assert at > 0 and store.count_at_or_above("old", at) == int((sev >= at).sum())
    assert store.count_at_or_above("old", at) > int((sev > at).sum())


@pytest.mark.parametrize(("value", "expected"), [("all", None), ("ALL", None), ("0", 0), (7, 7)])
def test_parse_keep(value: str | int, expected: int | None) -> None:
    assert parse_keep(value) == expected


@pytest.mark.parametrize("value", ["-1", "many", "1.5", True, "1_000"])
def test_parse_keep_refuses(value: str | bool) -> None:
    with pytest.raises(UsageError, match="--keep-findings"):
        parse_keep(value)


# -- the encoding ------------------------------------------------------------------------------
def test_columnar_encoding_is_lossless() -> None:
    rng = np.random.default_rng(0)
    arrays = {
        "variants": np.stack([rng.integers(0, 50, (500, 13)).astype(np.int8)] * 2, axis=1),
        "probs": rng.choice([0.1, 0.25, 1 / 3, 0.9], (500, 2, 2)),
        "floats": rng.random((500, 3)),
        "f32": rng.random(500).astype(np.float32).astype(np.float64),
        "negative": rng.integers(-5, 3, 500),
        "u64": rng.integers(0, 2**63, 500, dtype=np.uint64) * np.uint64(2),
        "flags": rng.random(500) < 0.5,
        "index": np.arange(17, 517),
        "const": np.full(500, -1),
        "nan": np.where(rng.random(500) < 0.1, np.nan, 1.5),
        "negzero": np.where(rng.random(500) < 0.5, -0.0, 2.0),
        "text": np.array(["ab", "é"] * 250),
        "image": rng.integers(0, 255, (500, 2, 8, 8)).astype(np.uint8),
        "empty": np.zeros((0, 2, 3)),
        "extremes": np.array([-(2**63), 2**63 - 1] * 250, dtype=np.int64),
    }
    arrays["variants"][:, 1, 3] = 7
    out, header = decode_arrays(encode_arrays(arrays, {"kind": "x"}))
    assert header == {"kind": "x"}
    for name, a in arrays.items():
        b = out[name]
        assert b.dtype == a.dtype and b.shape == a.shape, name
        assert np.array_equal(b, a, equal_nan=a.dtype.kind == "f"), name
        if a.dtype.kind == "f":
            assert np.array_equal(np.signbit(b), np.signbit(a)), name


def test_fairness_shaped_witnesses_take_few_bytes(tmp_path: Path) -> None:
    """An IDI as the fairness search stores it: 13 small features, 2 variants differing in the
    protected column, probability outputs of a tree, and its columns (old format: ~100 B)."""
    rng = np.random.default_rng(1)
    n = 20_000
    rows = rng.integers(0, 90, (n, 13)).astype(np.int8)
    inputs = np.stack([rows, rows], axis=1)
    inputs[:, 0, 8], inputs[:, 1, 8] = 0, 1
    p = rng.choice([0.0, 0.2, 0.5, 2 / 3, 1.0], (n, 2))
    outputs = np.stack([p, 1 - p], axis=2)
    batch = FindingBatch(
        kind="fairness.idi",
        inputs=inputs,
        outputs=outputs,
        severity=np.abs(p[:, 0] - p[:, 1]),
        columns={
            "generated": rng.integers(0, 2, n),
            "origin": rng.integers(0, 45_000, n),
            "n_changed": rng.integers(0, 4, n),
            "mutated": rng.integers(-1, 12, n),
        },
        details={"features": [f"f{j}" for j in range(13)], "protected": ["f8"]},
    )
    legacy = len(batch.to_bytes())
    store, run_id = _run(tmp_path, [batch], keep=None)
    db = sqlite3.connect(tmp_path / "s.db")
    (stored,) = db.execute("SELECT SUM(LENGTH(data)) FROM findings").fetchone()
    assert stored / n <= 25, stored / n
    assert legacy / n > 4 * stored / n
    (back,) = list(store.iter_batches(run_id))
    for a, b in ((back.inputs, inputs), (back.outputs, outputs), (back.severity, batch.severity)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert all(np.array_equal(back.columns[k], v) for k, v in batch.columns.items())


def test_resume_state_is_stored_compactly_and_read_back(tmp_path: Path) -> None:
    from assay.core.checkpoint import Snapshot

    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    pool = np.random.default_rng(0).integers(0, 90, (10_000, 13)).astype(np.float64)
    disc = np.random.default_rng(1).random(80_000) < 0.9
    store.checkpoint("r", snapshot=Snapshot(arrays={"pool": pool}, appends={"disc": disc}))
    db = sqlite3.connect(tmp_path / "s.db")
    (size,) = db.execute("SELECT SUM(LENGTH(data)) FROM state WHERE part != 'values'").fetchone()
    buf = io.BytesIO()
    np.save(buf, pool)
    assert size < (len(buf.getvalue()) + disc.nbytes) / 6
    snap = store.load_snapshot("r")
    assert snap is not None
    assert np.array_equal(snap.arrays["pool"], pool) and snap.arrays["pool"].dtype == pool.dtype
    assert np.array_equal(snap.appends["disc"], disc)

    # an ended run gives its resume state back: no rows, and the file shrinks
    def on_disk() -> int:
        return sum(p.stat().st_size for p in tmp_path.glob("s.db*") if p.suffix != ".db-shm")

    for _ in range(5):
        store.checkpoint("r", snapshot=Snapshot(appends={"disc": disc, "pool": pool}))
    grown = on_disk()
    store.checkpoint("r", status="completed")
    assert store._db.execute("SELECT COUNT(*) FROM state").fetchone() == (0,)
    assert store.load_snapshot("r") is None
    assert on_disk() < grown / 4


@pytest.mark.parametrize("state", ["appends", "merged sets"])
def test_dropping_a_large_resume_state_never_grows_the_store(tmp_path: Path, state: str) -> None:
    """An ended run's resume state goes without the file (with its WAL) growing first: a
    SQLite built with SECURE_DELETE wrote every freed page through the WAL, and so did the
    vacuum of a state merged by the background compactor (as a search's sets are), in one
    step: a 380 MB state took a 10-minute run's store to 705 MB."""
    from assay.core.checkpoint import Snapshot

    merged = state == "merged sets"
    store = RunStore(tmp_path / "s.db", compaction="background" if merged else "off")
    store.create_run(
        run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    rng = np.random.default_rng(0)
    for _ in range(24):  # chunks of about 1 MB each
        if merged:
            keys = np.unique(rng.integers(0, 2**40, 300_000).astype(np.uint64))
            store.checkpoint("r", snapshot=Snapshot(sets={"idi_keys": keys}))
        else:
            noise = rng.random(130_000)  # incompressible
            store.checkpoint("r", snapshot=Snapshot(appends={"noise": noise}))
    store._stop_compaction("r")  # (merges done: the state as a long run leaves it)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def on_disk() -> int:
        return sum(p.stat().st_size for p in tmp_path.glob("s.db*") if p.suffix != ".db-shm")

    held = on_disk()
    assert held > 16 << 20
    sizes: list[int] = []
    done = threading.Event()

    def watch() -> None:  # (the WAL grows within a statement: sampled, not traced)
        while not done.is_set():
            with contextlib.suppress(FileNotFoundError):
                sizes.append(on_disk())
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        store.checkpoint("r", status="completed")
    finally:
        done.set()
        watcher.join()
    assert store._db.execute("SELECT COUNT(*) FROM state").fetchone() == (0,)
    assert max(sizes) - held <= 5 << 20, (max(sizes), held)
    assert on_disk() < held / 4


def test_tallies_are_plain_json(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, _batches(4, 100), keep=50)
    (data,) = store._db.execute("SELECT data FROM tallies WHERE run_id=?", (run_id,)).fetchone()
    tallies = json.loads(data)
    assert tallies["keep"] == 50 and tallies["kinds"][KIND]["count"] == 400


def test_every_technique_gets_the_cap_through_the_engine(tmp_path: Path) -> None:
    """``execute`` with any technique: exact counts, a bounded witness set, the same witnesses
    whether the run was stopped and resumed or not."""
    from test_core import Threshold, Toy

    from assay.core.run import execute

    def run(name: str, stop: int | None) -> tuple[RunStore, str, int]:
        store = RunStore(tmp_path / name)
        store.create_run(
            run_id="r",
            technique="toy",
            seed=9,
            command="x",
            config={},
            model={},
            versions={},
            keep_findings=40,
        )
        kw = {"store": store, "run_id": "r", "seed": 9, "commit_interval": 0}
        out = execute(Toy(steps=250), Threshold(), stop_after_checkpoints=stop, **kw)
        if stop is not None:
            out = execute(Toy(steps=250), Threshold(), resume=True, **kw)
        return store, "r", out.n_findings

    a, ra, na = run("a.db", None)
    b, rb, nb = run("b.db", 100)
    assert na == nb > 1000  # about half of 2,500 points
    assert a.count_findings(ra) == na
    kept_a = np.concatenate([bt.inputs.reshape(-1) for bt in a.iter_batches(ra)])
    kept_b = np.concatenate([bt.inputs.reshape(-1) for bt in b.iter_batches(rb)])
    assert len(kept_a) <= 40 + TOP
    assert np.array_equal(kept_a, kept_b)


def test_truncate_findings_goes_back_to_the_last_snapshot(tmp_path: Path) -> None:
    """A failing run commits findings without a snapshot; resuming it drops them (they are
    found again): counts and kept witnesses are then those of a run that never failed."""
    from assay.core.checkpoint import Snapshot

    batches = _batches(12, 300)
    clean, rc = _run(tmp_path, batches, keep=200, name="clean.db")
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="r",
        technique="toy",
        seed=5,
        command="x",
        config={},
        model={},
        versions={},
        keep_findings=200,
    )
    for b in batches[:6]:
        store.checkpoint("r", findings=[b], snapshot=Snapshot(values={"n": 1}))
    store.checkpoint("r", findings=batches[6:9], status="failed")  # no snapshot
    assert store.count_findings("r") == 2700
    with pytest.raises(Exception, match="cannot be resumed exactly"):
        store.truncate_findings("r", 1500)
    store.close()
    store = RunStore(tmp_path / "s.db")
    store.truncate_findings("r", 1800)
    assert store.count_findings("r") == 1800
    assert _kept_numbers(store, "r").max() < 1800
    for b in batches[6:]:
        store.checkpoint("r", findings=[b], snapshot=Snapshot(values={"n": 1}))
    store.checkpoint("r", status="completed")
    assert store.count_findings("r") == clean.count_findings(rc) == 3600
    assert np.array_equal(_kept_numbers(store, "r"), _kept_numbers(clean, rc))


def test_sorted_integer_columns_are_stored_as_gaps() -> None:
    """A sorted set of 64-bit keys (the fairness search's evaluated classes) takes about the
    bytes of its gaps, not 8 a key; every shape of sorted column comes back exactly."""
    rng = np.random.default_rng(4)
    # clustered keys, as a search's neighbourhoods give: dense runs far apart
    centres = rng.integers(0, 2**52, 2_000, dtype=np.uint64)
    keys = np.unique(
        centres[rng.integers(0, 2_000, 200_000)] + rng.integers(0, 2**22, 200_000, dtype=np.uint64)
    )
    blob = encode_arrays({"k": keys}, {})
    assert len(blob) < 4.5 * len(keys), len(blob) / len(keys)
    cases = {
        "keys": keys,
        "negative": np.sort(rng.integers(-(2**62), 2**62, 1000)),
        "full_range": np.sort(rng.integers(0, 2**64 - 1, 1000, dtype=np.uint64)),
        "extremes": np.array([-(2**63)] * 40 + [2**63 - 1] * 40),
        "repeats": np.sort(rng.integers(0, 5, 300)),
        "steps": np.arange(100) * 3,
        "whole_floats": np.sort(rng.random(1000) * 1e6).round(),
        "just_enough": np.sort(rng.integers(0, 2**40, 64)),
    }
    out, _ = decode_arrays(encode_arrays(cases, {}))
    for name, a in cases.items():
        assert out[name].dtype == a.dtype and np.array_equal(out[name], a), name


def test_the_ledger_of_evaluated_classes_round_trips_through_the_store(tmp_path: Path) -> None:
    """The resume state of the fairness search: classes and verdicts as two sorted sets, in
    a few bytes a class; a ledger restored from them knows every class and its verdict, and
    so does one restored from the older form (keys and verdicts in the order evaluated)."""
    from assay.core.checkpoint import Snapshot
    from assay.fairness.search.base import Ledger

    rng = np.random.default_rng(5)
    keys = np.unique(rng.integers(0, 2**50, 300_000, dtype=np.uint64))
    rng.shuffle(keys)
    disc = rng.random(len(keys)) < 0.9
    ledger = Ledger(3)
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
    )
    for part in np.array_split(np.arange(len(keys)), 3):
        ledger.admit(keys[part], len(part))
        ledger.settle(disc[part])
        store.checkpoint("r", snapshot=ledger.snapshot())
    db = sqlite3.connect(tmp_path / "s.db")
    (size,) = db.execute("SELECT SUM(LENGTH(data)) FROM state WHERE part LIKE 'set%'").fetchone()
    assert size < 5 * len(keys), size / len(keys)
    snap = store.load_snapshot("r")
    assert snap is not None
    legacy = Snapshot(values=snap.values, appends={"keys": keys, "disc": disc})
    for stored in (snap, legacy):
        restored = Ledger(3)
        restored.restore(stored)
        assert len(restored.seen) == len(keys)
        assert np.array_equal(restored.known(keys), disc.astype(np.int8))
