"""mutation51: perf50b's bookkeeping in ``text.dispatch``: a batch of never-asked sentences
one of which comes twice, with work to do while the classifiers answer, is answered row for
row (each sentence asked once, counted as asked each time), as one ``predict`` of it."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_fast33_dispatch import _dispatch, _Later, _Lengths

from assay.core.budget import BudgetedModel
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
