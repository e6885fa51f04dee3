"""The walk's measure of what shrinking costs, and verify's reading of the specs given
(bench/RESULTS.md, mutation33's table: mutants SH4 (shrinking costs never forgotten), SH8
(its cost uncapped) and VT3 (one URL with credentials taking every spec for the run's own
URLs) survived the tests merged with them)."""

from __future__ import annotations

from typing import Any

from assay.core.redact import GivenAgain, redact_text
from assay.text.verify_terms import verified_specs
from assay.text.walk import WalkStrategy


def test_shrinking_costs_of_earlier_rounds_count_for_less() -> None:
    w = WalkStrategy()
    w.pmodes = [0, 0]
    engine: Any = None
    w.shrunk(engine, {0: [10.0, 1.0, 1.0], 1: [6.0, 1.0, 0.0]})
    assert w.shrinking == [16.0, 2.0]
    w.shrunk(engine, {0: [4.0, 1.0, 0.0]})
    assert w.shrinking == [0.9 * 16.0 + 4.0, 0.9 * 2.0 + 1.0]


def test_what_shrinking_costs_counts_at_most_one_query_a_proposal() -> None:
    """Beyond a query per failing proposal, shrinking costing more draws no shorter: the
    exponent is bounded (errors common, each shrink 1 or 20 queries)."""
    w = WalkStrategy()
    w.fresh = [1000, 460]
    w.shrinking = [600.0, 600.0]
    one = w._explore_brevity()
    w.shrinking = [12_000.0, 600.0]
    assert w._explore_brevity() == one > 2.0 * w.brevity


def test_one_url_given_again_and_one_other_spec_are_each_in_their_place() -> None:
    url = "http://models.example/a?api_key=SEKRIT"
    stored = [redact_text(url), "b.py:f"]
    assert stored[0] != url
    given = GivenAgain([url, "c.py:g"])
    specs = verified_specs(stored, given, run_id="text-1", again="assay verify text-1")
    assert not isinstance(specs, GivenAgain)  # (not the run's own URLs given again)
    assert list(specs) == [url, "c.py:g"]
    again = verified_specs(stored[:1], GivenAgain([url]), run_id="text-1", again="x")
    assert isinstance(again, GivenAgain)
