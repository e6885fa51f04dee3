"""A fairness run under ``--max-time`` alone (``--optimize auto``) may time several rounds of
a slow model before it turns query-efficient; its rerun command pinned
``--optimize time-then-queries``, which turns after the first round: another search (2,589
IDIs in 6,042 queries against 2,851 in 6,010).  The run now says the round it turned after;
the command pins the switch only when it was the first round, else keeps auto, and the
rerun note says why."""

from __future__ import annotations

import pytest
from test_fairness_search import RowCostRule, SlowRule, _first, wide

from assay.core.runinfo import _pinned, rerun_note
from assay.fairness.search.walk import WalkSearch

COMMAND = "assay fairness m.skops --data d.csv --protected sex --max-time 600"
CONFIG = {"optimize": "auto", "budget": {"max_time": 600.0}}


@pytest.fixture(scope="module")
def late_walk() -> WalkSearch:
    """Auto under a time budget alone, on a model whose every query is slow (3 ms a row)."""
    search = _first(RowCostRule(wide), 3_000, by_time=True)
    assert isinstance(search, WalkSearch)
    return search


def test_a_late_switch_is_not_pinned_and_the_note_says_why(late_walk: WalkSearch) -> None:
    late = late_walk.summary()
    assert late["optimize"] == "queries" and late["optimize_switched"]
    assert late["optimize_switched_round"] > 1
    summary = {"search": late}
    assert "--optimize" not in _pinned(COMMAND, CONFIG, summary)
    note = rerun_note(CONFIG, COMMAND, summary=summary) or ""
    rounds = late["optimize_switched_round"]
    assert f"--optimize auto timed the model's first {rounds} rounds" in note
    assert "--optimize time-then-queries would turn after the first round" in note
    api = rerun_note(CONFIG, "assay.fairness(...)", summary=summary) or ""
    assert "optimize='auto' timed the model's" in api


def test_a_switch_after_the_first_round_is_pinned() -> None:
    first = _first(SlowRule(wide), 1_000).summary()  # (a query budget: timed once)
    assert first["optimize_switched"] and first["optimize_switched_round"] == 1
    command = COMMAND.replace("--max-time 600", "--max-queries 1000000")
    said = _pinned(command, {"optimize": "auto"}, {"search": first})
    assert said.endswith(" --optimize time-then-queries")
    assert "timed the model" not in (
        rerun_note({"optimize": "auto"}, said, summary={"search": first}) or ""
    )


def test_the_rounds_timed_survive_a_resume(late_walk: WalkSearch) -> None:
    search = late_walk
    again = _first(RowCostRule(wide), 0, by_time=True)
    assert isinstance(again, WalkSearch) and again.measured == 0
    again._set_state(search._own_state())
    assert again.measured == search.measured > 1
    assert again.summary()["optimize_switched_round"] == search.measured
