"""A fairness run on a slow model under a query budget (``--optimize auto``) runs its first
round for speed, times it, then turns query-efficient.  Its rerun command pinned
``--optimize queries``, query-efficient from the first round: another search (146,940 IDIs
against the run's 147,988 on German credit, seed 4, 300,000 queries).  The command now names
``--optimize time-then-queries``, which switches where auto did, without timing anything."""

from __future__ import annotations

import numpy as np
from test_fairness_search import Rule, SlowRule, _first, wide

from assay.core.runinfo import _pinned


def test_the_pinned_switch_is_the_search_auto_ran() -> None:
    auto = _first(SlowRule(wide), 6_000)
    assert auto.summary()["optimize"] == "queries" and auto.summary()["optimize_switched"]
    pinned = _first(Rule(wide), 6_000, optimize="time-then-queries")  # a fast model: untimed
    queries = _first(Rule(wide), 6_000, optimize="queries")
    same = ("idis", "queries", "idis_per_1000_queries")
    assert {k: auto.summary()[k] for k in same} == {k: pinned.summary()[k] for k in same}
    assert pinned.summary()["optimize_switched"]
    # and the headline says why it spent its queries sparingly (as auto's does)
    assert "time-then-queries" in pinned.summary()["optimize_note"]
    assert queries.summary()["idis"] != auto.summary()["idis"]  # (what the command pinned)
    assert not np.isnan(float(auto.summary()["idis_per_1000_queries"]))


def test_the_rerun_command_names_the_switch() -> None:
    config = {"optimize": "auto"}
    said = _pinned(
        "assay fairness m.skops --data d.csv --protected sex --max-queries 300000",
        config,
        {"search": {"optimize": "queries", "optimize_switched": True}},
    )
    assert said.endswith(" --optimize time-then-queries")
    said = _pinned("assay fairness m.skops", config, {"search": {"optimize": "queries"}})
    assert said.endswith(" --optimize queries")  # (query-efficient from the start: a small
    # budget or a served model)
