"""mutation51: perf50b's bookkeeping in ``text.dispatch``: a batch of never-asked sentences
one of which comes twice, with work to do while the classifiers answer, is answered row for
row (each sentence asked once, counted as asked each time), as one ``predict`` of it; and
a few keys placed one at a time wrap past the table's end to its start, where ``lookup``
looks for them."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_fast33_dispatch import _dispatch, _Later, _Lengths

from assay.core.budget import BudgetedModel
from assay.core.hashset import KeyIndex
from assay.core.keys import text_keys


def test_a_new_sentence_twice_in_a_batch_is_answered_in_each_row() -> None:
    log: list[Any] = []
    model = BudgetedModel(_Lengths(log), max_queries=100, caller=_Later(log))
    d = _dispatch(model, [])
    flat = ["a", "bbb", "a", "cc"]
    out = d._predict(flat, [int(k) for k in text_keys(flat)], lambda: log.append("meanwhile"))
    expect = np.array([[len(t) / 10.0, 1 - len(t) / 10.0] for t in flat])
    assert out.shape == expect.shape and np.array_equal(out, expect), out
    assert [e for e in log if isinstance(e, tuple)] == [("answer", ["a", "bbb", "cc"])]
    assert model.queries == 3 and model.requests == 4


def test_a_few_keys_probing_past_the_tables_end_wrap_to_its_start() -> None:
    """Two keys at home in the table's second-to-last slot: the second goes to the last
    slot, a third there to the first (``_add_few`` wraps at the end as ``lookup`` does)."""
    index = KeyIndex(capacity=16)
    size = index._keys.size
    pool = np.arange(1, 20_000, dtype=np.uint64)
    homes = index._home(index._norm(pool))
    a, b, c = pool[homes == size - 2][:3]
    for key in (a, b, c):  # (one at a time: the few keys' way)
        assert index.add(np.array([key], dtype=np.uint64)).tolist() == [True]
    assert index.lookup(np.array([a, b, c, 5], dtype=np.uint64)).tolist() == [0, 1, 2, -1]
    slots = index._keys.tolist()
    assert [slots.index(index._norm(np.array([k]))[0]) for k in (a, b, c)] == [
        size - 2,
        size - 1,
        0,
    ]
