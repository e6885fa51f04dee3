"""The text round's bookkeeping around the classifiers, made cheaper (bench/RESULTS.md,
perf50b) without changing an answer, a count or the cache: a batch of a few keys placed and
looked up one key at a time holds the same set as numpy's passes; a batch answered wholly
from the cache costs no call; the answers of parts sent ahead are gathered by part, in the
order the rows were read one by one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_fast33_dispatch import _dispatch, _Lengths

from assay.core import hashset
from assay.core.budget import BudgetedModel
from assay.core.hashset import KeyIndex
from assay.core.keys import text_keys
from assay.text.dispatch import Flight


def _batches(seed: int) -> list[np.ndarray]:
    """Batches of 1-64 keys drawn from a small pool (repeats within and across batches),
    key 0 among them, enough to grow the table several times."""
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 2**64, 3000, dtype=np.uint64)
    out = []
    for _ in range(300):
        b = rng.choice(pool, int(rng.integers(1, 65)))
        if rng.random() < 0.1:
            b[0] = 0
        out.append(b)
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_a_few_keys_at_a_time_make_the_set_numpys_passes_make(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = _batches(seed)
    few = KeyIndex(capacity=16)
    new_few = [few.add(b).tolist() for b in batches]
    probe = np.concatenate([*batches[:40], np.array([0, 5, 2**64 - 1], dtype=np.uint64)])
    found_few = [few.lookup(probe[i : i + 30]).tolist() for i in range(0, len(probe), 30)]
    monkeypatch.setattr(hashset, "_TAIL", 0)  # every batch through numpy's passes
    whole = KeyIndex(capacity=16)
    new_whole = [whole.add(b).tolist() for b in batches]
    found = [whole.lookup(probe[i : i + 30]).tolist() for i in range(0, len(probe), 30)]
    assert new_few == new_whole and len(few) == len(whole)
    assert np.array_equal(few.keys(), whole.keys())  # the same indices, in insertion order
    assert found_few == found and any(-1 in f for f in found)  # absent keys said absent
    rebuilt = KeyIndex.from_keys(few.keys())
    assert rebuilt.lookup(probe).tolist() == whole.lookup(probe).tolist()


def test_a_batch_answered_wholly_from_the_cache_is_counted_and_costs_no_call() -> None:
    log: list[Any] = []
    model = BudgetedModel(_Lengths(log), max_queries=10)
    asked = ["a", "bb", "ccc"]
    first = model.predict(asked, keys=text_keys(asked))
    again = ["ccc", "a", "ccc"]
    out = model.predict(again, keys=text_keys(again))
    assert len(log) == 1 and model.queries == 3 and model.requests == 6
    assert np.array_equal(out, first[[2, 0, 2]]) and out.dtype == first.dtype
    out[0, 0] = 99.0  # a copy: the cache keeps its answer
    assert model.predict(["ccc"], keys=text_keys(["ccc"]))[0, 0] == 0.3


def test_the_parts_sent_ahead_are_read_in_order_and_their_rows_gathered() -> None:
    log: list[Any] = []
    model = BudgetedModel(_Lengths(log), max_queries=100)
    d = _dispatch(model, [])
    d._asked_log = []
    parts = [["dddd", "a"], ["ccccc", "bb", "e"]]
    for part in parts:  # as ``send_ahead`` sends them
        arr = text_keys(part)
        flight = Flight(model.submit_new(part, arr), arr)
        for row, k in enumerate(arr.tolist()):
            d._sent[k] = (flight, row)
            d.asked.add(k)
    # the second part's sentence first, one repeated, and one never sent
    flat = ["bb", "a", "dddd", "bb", "ffffff", "e", "ccccc"]
    out = d._predict(flat, [int(k) for k in text_keys(flat)], None)
    expect = np.array([[len(t) / 10.0, 1 - len(t) / 10.0] for t in flat])
    assert np.array_equal(out, expect) and out.dtype == expect.dtype
    assert not d._sent and model.queries == 6
    # cached in the order the parts were first met in the batch, then the one sent now
    order = ["ccccc", "bb", "e", "dddd", "a", "ffffff"]
    assert model._index.keys().tolist() == text_keys(order).tolist()
