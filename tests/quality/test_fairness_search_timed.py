"""The searches of ``test_fairness_search.py`` whose outcome depends on the clock: a model slow
per call or per row (``SlowRule``, ``RowCostRule``: 25 ms a call, 3 ms a row) measured by
``--optimize auto``, and a default search on a budget over 100,000 queries (auto measures the
model: on a loaded machine a fast model can look slow).  They run in the rest of ``make test``
(the Makefile's TIMED); the file's other tests run beside it (ci53b)."""

from __future__ import annotations

import numpy as np
import pytest
from test_fairness_search import (
    DEFAULT_STRATEGY,
    RowCostRule,
    SlowRule,
    _first,
    narrow,
    rows_of,
    run,
    wide,
)


@pytest.mark.parametrize("strategy", ["walk", "random"])
def test_a_full_seen_set_ends_the_search_instead_of_the_machine(strategy: str) -> None:
    """The set of evaluated classes has a memory ceiling: reaching it ends the search
    cleanly (stop reason "memory"), with every class still evaluated once."""
    search, found = run(strategy, narrow, queries=200_000, seen_memory=200_000)
    limit = search.max_classes  # type: ignore[attr-defined]
    assert 1_000 < limit < 12_000
    assert search.ledger.seen.nbytes <= 200_000  # type: ignore[attr-defined]
    assert search.done and search.stop_reason == "memory"  # type: ignore[attr-defined]
    s = search.summary()
    assert s["generated"] == limit and s["queries"] == 2 * limit
    assert s["parameters"]["max_classes"] == limit
    rows = rows_of(found)
    assert len(np.unique(rows, axis=0)) == len(rows) == s["idis"]


def test_a_slow_model_gets_the_query_efficient_mode_which_beats_aequitas_per_query() -> None:
    queries = 10_000  # looked at after 10,000 queries of a large budget (a small one would
    # choose the query mode without measuring the model)
    summary = _first(SlowRule(wide), queries).summary()
    assert summary["optimize"] == "queries" and "slow" in summary["optimize_note"]
    aeq, _ = run("aequitas-full", wide, queries=queries, seed=1, per_step=500)
    assert summary["idis_per_1000_queries"] > aeq.summary()["idis_per_1000_queries"]
    # a fast model with a large budget keeps the search in its time mode; a small budget
    # takes the query mode; the mode can be pinned either way
    fast, _ = run(DEFAULT_STRATEGY, wide, queries=200_000, seed=1)
    assert fast.summary()["optimize"] == "time"
    small, _ = run(DEFAULT_STRATEGY, wide, queries=queries, seed=1)
    assert small.summary()["optimize"] == "queries"
    fast, _ = run(DEFAULT_STRATEGY, wide, queries=queries, seed=1, optimize="time")
    assert fast.summary()["optimize"] == "time"
    pinned, _ = run(DEFAULT_STRATEGY, wide, queries=queries, seed=1, optimize="queries")
    assert pinned.summary()["optimize"] == "queries"
    assert pinned.summary()["idis_per_1000_queries"] > fast.summary()["idis_per_1000_queries"]


def test_under_a_time_budget_alone_the_mode_follows_what_a_query_costs_in_batches() -> None:
    """Bounded by time alone, the search aims at IDIs per second: a model slow per call but
    cheap per row (25 ms a call: 190 us a query in the first round, under 10 us a query in
    large rounds) keeps the time mode; a model slow per row takes the query mode."""
    summary = _first(SlowRule(wide), 20_000, by_time=True).summary()
    assert summary["optimize"] == "time", summary["optimize_note"]
    assert "us a query" in summary["optimize_note"]
    search = _first(RowCostRule(wide), 3_000, by_time=True)
    summary = search.summary()
    assert summary["optimize"] == "queries", summary["optimize_note"]
    assert "slow model" in summary["optimize_note"] and "us a query" in summary["optimize_note"]
