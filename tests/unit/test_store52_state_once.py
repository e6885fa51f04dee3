"""store52: resume-state appends a checkpoint holds twice are stored once.

A text run's checkpoints appended the keys of the sentences it asked under three names, byte
for byte the same (``budget.cache_keys``, ``search.asked``, ``search.keys``): its store grew
~26 bytes a query with nothing found (3.6 MB of resume state after 139,000 queries), two
thirds of it copies.  Each is now stored once and read back whole.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.answer_missing import KEPT_FOR_ANSWER
from assay.core.checkpoint import Snapshot
from assay.core.state_once import SAME, appends_read
from assay.core.store import RunStore
from assay.errors import StoreError


def _store(tmp_path: Path) -> RunStore:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="t-1",
        technique="text",
        seed=1,
        command="assay text",
        config={},
        model={},
        versions={},
    )
    return store


def _parts(path: Path) -> list[tuple[str, int, str, int]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT name, seq, part, LENGTH(data) FROM state ORDER BY name, seq"
        ).fetchall()


def test_the_same_keys_under_three_names_are_stored_once_and_read_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    store = _store(tmp_path)
    checkpoints = []
    for n in (5_000, 3_000):
        keys = rng.integers(0, 2**62, n, dtype=np.int64)
        other = rng.integers(0, 2**62, n // 2, dtype=np.int64)
        appends = {
            "budget.cache_keys": keys,
            "search.asked": keys.copy(),
            "search.keys": keys.copy(),
            "search.case_keys": other,
            f"finish.{KEPT_FOR_ANSWER}rows": keys.copy(),  # (kept for the answer: whole)
        }
        checkpoints.append(appends)
        store.checkpoint("t-1", snapshot=Snapshot(values={"n": n}, appends=appends))
    back = store.load_snapshot("t-1")
    assert back is not None
    for name in checkpoints[0]:
        whole = np.concatenate([c[name] for c in checkpoints])
        assert np.array_equal(back.appends[name], whole) and back.appends[name].dtype == np.int64
    parts = _parts(tmp_path / "runs.db")
    same = [(name, seq) for name, seq, part, _ in parts if part == SAME]
    assert sorted(same) == [
        ("search.asked", 0),
        ("search.asked", 1),
        ("search.keys", 0),
        ("search.keys", 1),
    ]
    assert all(size < 64 for _, _, part, size in parts if part == SAME)
    # the keys' bytes held twice (the cache's and the kept copy), not four times
    keys_bytes = sum(s for name, _, part, s in parts if name == "budget.cache_keys")
    assert (
        store.state_bytes("t-1")
        < 2 * keys_bytes + sum(s for name, _, _, s in parts if name == "search.case_keys") + 2_000
    )


def test_a_reference_to_a_part_the_state_lacks_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="refers to a part it lacks"):
        appends_read([("a", 0, b"b\x000", True)], lambda data: np.zeros(1))
