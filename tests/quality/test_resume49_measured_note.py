"""What automatic mode measured, as its note says it.  Under a query budget a fast model's run
said "a fast model and a large budget, so the search ran for IDIs per second (26.0 us a query
in a call of 0 queries)": the call it timed had 128 queries (German credit, seed 3, 400,000
queries); the size was kept only under a time budget."""

from __future__ import annotations

import re

from test_fairness_search import Rule, _first, wide

from assay.fairness.search.walk import _measured


def test_the_time_modes_note_names_the_call_it_timed() -> None:
    for by_time in (False, True):
        s = _first(Rule(wide), 3_000, by_time=by_time).summary()
        assert s["optimize"] == "time", s
        said = re.search(r"us a query in a call of ([\d,]+) queries", s["optimize_note"])
        assert said is not None, s["optimize_note"]
        assert int(said.group(1).replace(",", "")) > 0, s["optimize_note"]


def test_a_stored_measure_without_its_call_size_says_no_size() -> None:
    """A run stored before the size was kept, resumed: its cost alone, never "0 queries"."""
    old = {"seconds_per_call": 0.003, "seconds_per_query": 26e-6}
    assert _measured(old) == " (26.0 us a query)"
    assert _measured(None) == ""
