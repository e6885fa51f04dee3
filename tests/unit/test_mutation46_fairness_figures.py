"""mutation46: surviving mutants of a fairness run's run-wide figures (``fairness.rates``): the
seconds to the first 100 IDIs from the run's start (after the session that found them began
its search; a lower bound when no session's start was kept), and the per-1,000-queries and
per-second figures over every query and the wall clock."""

from __future__ import annotations

from typing import Any

from assay.fairness.rates import (
    RUN_FIRST_100,
    RUN_FIRST_100_AT_LEAST,
    RUN_PER_1000,
    RUN_RATE,
    SEARCH_FIRST_100,
    SEARCH_PER_1000,
    SEARCH_RATE,
    first_100,
    run_rates,
)
from assay.fairness.time_spent import SEARCHES


def test_the_first_100_count_from_the_session_that_found_them() -> None:
    # sessions began their searches 2 s and 10 s into the run, the search having run 0 s
    # and 3 s before: the 100th found at the search's 4th second, in the second session
    assert first_100(4.0, 1.0, [[2.0, 0.0], [10.0, 3.0]]) == (11.0, False)
    # found exactly as the second session began its search: that session's
    assert first_100(3.0, 1.0, [[2.0, 0.0], [10.0, 3.0]]) == (10.0, False)
    # no session's start kept (or none of the right shape): after the first search's start,
    # a lower bound
    assert first_100(4.0, 1.0, None) == (5.0, True)
    assert first_100(4.0, 1.0, [[10.0, 0.0, 99.0]]) == (5.0, True)
    assert first_100(4.0, None, None) is None


def _summary(**extra: Any) -> dict[str, Any]:
    return {
        "search": {"idis": 300, "queries": 1000, "seconds_to_first_100": 1.0},
        "metrics": {
            SEARCH_PER_1000: 300.0,
            "IDIs per second": 150,
            SEARCH_FIRST_100: 1.0,
        },
        "model_queries": {"total": 3000},
        **extra,
    }


def test_the_run_s_figures_count_every_query_and_the_wall_clock() -> None:
    out = run_rates(_summary(search_began_seconds=2.0), 3.0)
    assert out[RUN_PER_1000] == 100.0 and out[SEARCH_PER_1000] == 300.0
    assert out[RUN_RATE] == 100 and out[SEARCH_RATE] == 150
    assert "IDIs per second" not in out  # (the search's, relabelled)
    assert out[RUN_FIRST_100] == 3.0 and RUN_FIRST_100_AT_LEAST not in out
    assert run_rates(_summary(search_began_seconds=2.0), 7.0)[RUN_RATE] == 43  # (whole IDIs)


def test_a_resumed_run_without_session_starts_says_at_least() -> None:
    # one session, its search's start kept: exact
    out = run_rates(_summary(search_began_seconds=2.0, sessions=1), 3.0)
    assert out[RUN_FIRST_100] == 3.0
    # two sessions, none of their starts kept: at least the first's loading and search
    out = run_rates(_summary(search_began_seconds=2.0, sessions=2), 3.0)
    assert out[RUN_FIRST_100_AT_LEAST] == 3.0 and RUN_FIRST_100 not in out
    # two sessions, their starts kept: exact
    searches = {SEARCHES: [[2.0, 0.0], [20.0, 0.5]]}
    out = run_rates(_summary(search_began_seconds=2.0, sessions=2, **searches), 30.0)
    assert out[RUN_FIRST_100] == 20.5 and RUN_FIRST_100_AT_LEAST not in out
    # no search start kept at all: its loading before it, at least
    out = run_rates(_summary(seconds_by_phase={"loading": 4.0}), 9.0)
    assert out[RUN_FIRST_100_AT_LEAST] == 5.0


def test_stale_run_figures_are_recounted_and_a_bare_summary_gets_them() -> None:
    bare = {
        "search": {"idis": 10, "queries": 100},
        "metrics": {RUN_PER_1000: 99.0, RUN_RATE: 99},
        "model_queries": {"total": 200},
    }
    out = run_rates(bare, 2.0)
    assert out[RUN_PER_1000] == 50.0 and out[RUN_RATE] == 5
    out = run_rates({"search": {"idis": 10, "queries": 100}, "metrics": {}}, 2.0)
    assert out[RUN_PER_1000] == 100.0 and out[RUN_RATE] == 5 and RUN_FIRST_100 in out
