"""Searches fill their rounds with new classes when their proposals were seen before."""

from __future__ import annotations

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.errors import BudgetExhausted
from assay.fairness.encoded import EncodedModel
from assay.fairness.schema import Feature, Schema
from assay.fairness.search import make_search
from assay.fairness.search.base import Ledger

# 40 x 30 x 5 = 6,000 classes, three groups: a budget of 20,000 queries covers the space
SMALL = Schema(
    features=(
        Feature("a", "integer", low=0, high=39),
        Feature("b", "integer", low=0, high=29),
        Feature("c", "integer", low=0, high=4),
        Feature("g", "integer", low=0, high=2),
    ),
    protected=("g",),
)


class Counting:
    """Labels: discriminates on g where a + b is even; records the rows of every call."""

    capabilities = Capabilities("tabular", 2, "labels")

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        self.sizes.append(len(x))
        biased = (x[:, 0] + x[:, 1]) % 2 == 0
        out = np.where(biased, x[:, 3] > 0, x[:, 2] > 2)
        return out.astype(np.int64)


@pytest.mark.parametrize(
    ("strategy", "optimize"), [("walk", "queries"), ("walk", "time"), ("random", "auto")]
)
def test_a_small_space_is_covered_in_batches(strategy: str, optimize: str) -> None:
    counting = Counting()
    model = BudgetedModel(EncodedModel(SMALL, counting), max_queries=20_000, caller=InlineCaller())
    options = {"optimize": optimize} if strategy == "walk" else {}
    search = make_search(strategy, schema=SMALL, model=model, rng=generator(1), **options)
    try:
        while not search.done and model.exhausted() is None:
            search.step()
    except BudgetExhausted:
        pass
    search.flush()
    sizes = np.array(counting.sizes)
    # rounds of up to 64 classes (queries mode) or more, 2 or 3 rows each: ~100 calls if all
    # were full, a few hundred in all; one class per call would take thousands
    assert len(sizes) <= 300, (len(sizes), np.bincount(np.minimum(sizes, 32)))
    assert np.median(sizes) >= 16, np.bincount(np.minimum(sizes, 32))
    assert (sizes <= 6).sum() <= 5, np.bincount(np.minimum(sizes, 32))
    summary = search.summary()
    assert summary["generated"] == 6_000  # every class, each once
    assert search.stop_reason == "space covered"
    assert sum(sizes) == summary["queries"]


def test_more_keys_join_the_open_batch_and_are_settled_or_forgotten_with_it() -> None:
    ledger = Ledger(2)
    first = ledger.admit(np.array([1, 2, 2], dtype=np.uint64), 10)
    more = ledger.admit(np.array([2, 3, 4], dtype=np.uint64), 1, more=True)
    assert first.tolist() == [0, 1] and more.tolist() == [1]
    assert ledger.unsettled == 1 and ledger.admitted == 3
    assert ledger.admit(np.array([1, 3], dtype=np.uint64), 5, more=True).tolist() == []
    ledger.settle(np.array([True, False, True]))
    assert ledger.known(np.array([1, 2, 3, 4], dtype=np.uint64)).tolist() == [1, 0, 1, -1]
    # nothing open: "more" opens a batch; forget_last undoes the grown batch whole
    ledger.admit(np.array([5], dtype=np.uint64), 5, more=True)
    ledger.admit(np.array([6], dtype=np.uint64), 5, more=True)
    assert ledger.unsettled == 1
    ledger.forget_last()
    assert ledger.unsettled == 0 and ledger.admitted == 3
    assert ledger.known(np.array([5, 6], dtype=np.uint64)).tolist() == [-1, -1]
