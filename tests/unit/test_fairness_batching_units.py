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


def test_a_timed_search_reserves_room_once_and_finds_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After its first second a search with a time budget makes room for the classes its
    rate promises (one grow, not several while it waits: the table is made on a background
    thread); the classes it evaluates are the same as without the reservation."""
    from sklearn.tree import DecisionTreeClassifier

    import assay.fairness.search.base as base
    from assay.datasets import load_dataset
    from assay.models.sklearn import from_sklearn

    ds = load_dataset("adult")
    schema = ds.schema.with_protected(("sex",))
    x = schema.decode(ds.X[:4000])
    model = from_sklearn(DecisionTreeClassifier(random_state=0).fit(x, ds.target[:4000]))
    monkeypatch.setattr(base, "_INITIAL_ROOM", 1 << 12)  # a small set to start with
    runs = []
    for reserve_after in ((0.0,), (1e9,)):  # reserve after the first step, and never
        monkeypatch.setattr(base, "_RESERVE_AFTER", reserve_after)
        budgeted = BudgetedModel(EncodedModel(schema, model), max_time=60.0)
        # (pinned to the time mode: "auto" would switch on a slow call of a loaded machine)
        search = make_search(
            "walk", schema=schema, model=budgeted, rng=generator(3), optimize="time"
        )
        sizes = []
        for _ in range(30):
            search.step()
            index = search.ledger.seen._index  # its table, or the one made ahead for it
            sizes.append(index._keys.size if index._ahead is None else index._ahead.size)
        runs.append((search, sizes))
    (reserved, sizes_r), (plain, sizes_p) = runs
    assert reserved._reserved and not plain._reserved
    assert sizes_r[0] > sizes_p[0]  # room made after the first step
    assert len(set(sizes_r)) == 1  # and no grow after it
    assert len(set(sizes_p)) > 1  # (without it, the set grew as it filled)
    a, b = reserved.ledger.seen._index.keys(), plain.ledger.seen._index.keys()
    assert len(a) == len(b) and np.array_equal(a, b)


def test_a_long_timed_search_reserves_room_for_its_next_stretch_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ten-minute run reserved, after its first second, room for every class its rate
    promised to the end (its whole memory bound: 6.6 GB, every page touched before the
    search went on, held even if interrupted at once).  The room now covers the next
    minute, or three times the seconds searched: after 1 s of a 1,000 s budget, what a
    60 s budget reserves; after 100 s, the next 300 s."""
    from sklearn.tree import DecisionTreeClassifier

    import assay.fairness.search.base as base
    from assay.datasets import load_dataset
    from assay.models.sklearn import from_sklearn

    ds = load_dataset("adult")
    schema = ds.schema.with_protected(("sex",))
    x = schema.decode(ds.X[:4000])
    model = from_sklearn(DecisionTreeClassifier(random_state=0).fit(x, ds.target[:4000]))
    search = make_search(
        "walk",
        schema=schema,
        model=BudgetedModel(EncodedModel(schema, model), max_time=1e3),
        rng=generator(3),
        optimize="time",
    )
    search.step()
    admitted = search.ledger.admitted
    asked: list[int] = []
    monkeypatch.setattr(search.ledger, "reserve", asked.append)
    for seconds, left in ((1.0, 59.0), (1.0, 999.0), (100.0, 900.0)):
        monkeypatch.setattr(base, "_time_left", lambda model, left=left: left)
        search._reserved = []
        search.ledger.seconds = seconds
        search._reserve()
    rate = admitted / 1.0  # classes per second, as the first second measured it
    short, long_, later = (n - admitted for n in asked)
    assert short == pytest.approx(0.9 * 59 * rate, abs=1)
    assert long_ == pytest.approx(0.9 * 60 * rate, abs=1)  # (not 999 s of it)
    assert later == pytest.approx(0.9 * 300 * admitted / 100.0, abs=1)
