"""What the headline says the group metrics' queries were (``phases._group_rows``;
bench/RESULTS.md, mutation33's table: mutant GQ6, a cut by the budget said as "one a labelled
row", survived: the cut's test stops at the search's summary)."""

from __future__ import annotations

from assay.fairness.phases import _group_rows


def test_group_queries_cut_by_the_budget_say_so() -> None:
    cut = {
        "group": None,
        "stopped_early": {
            "context": "group metrics not computed: the time budget ran out while the model "
            "was asked the labelled rows"
        },
    }
    said = _group_rows(cut, {"group": 200})
    assert said == "labelled rows asked before the budget cut them: no group metrics"
    whole = {"group": {"rows": 300}, "stopped_early": {}}
    assert _group_rows(whole, {"group": 300}) == "one a labelled row"
    assert _group_rows(whole, {"group": 250}).startswith("for 300 labelled rows")
