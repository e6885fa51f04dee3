"""mutation47: the forty-fifth session's text figures, each assertion a surviving mutant's:
an exhaustive run's warning over the queries its search gets (the checks' share, the units'
one each, ``$ASSAY_TEXT_RECHECK``) and its headline's reach, the lift tables' chance mark
(its level, its side of 1, the fewest errors a campaign's added counts stand for, its rank),
a binomial tail's ends, the errors the findings that held stand for, and a test's bound
said rounded up in the terminal, JUnit and the reports' Tests table."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from test_left46t_figures import GRAMMAR, _pair, _square

from assay.cli.text_lines import _told
from assay.report.junit_tests import suite_test_cases
from assay.text import summary as text_summary
from assay.text.bound import upper_tail
from assay.text.replay_hold import ERRORS, ERRORS_BEFORE, _errors_held, held_errors
from assay.text.strategies import ExhaustiveStrategy, exhaustive_reach, exhaustive_reached
from assay.text.summary import BOUND, SEARCH_PER_1000, _fewest, _lift_row, lift_table


@pytest.fixture(scope="module")
def setup() -> Any:
    from assay.text.api import setup_text

    return setup_text(
        _pair(), names=["a", "b"], grammar=GRAMMAR, strategy="exhaustive", max_queries=4950
    )


def _search_share(said: str | None) -> int:
    assert said is not None
    return int(said.split("leaves the search ")[1].split(" queries")[0].replace(",", ""))


def test_the_warning_takes_the_checks_share_only_when_they_are_made(
    setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.text.api import exhaustive_warning

    loading = setup.loading_queries
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    checked = _search_share(exhaustive_warning(setup, 4950))
    unchecked = _search_share(exhaustive_warning(setup, 4950, checks=False))
    assert unchecked == 4950 - loading
    assert checked == unchecked - 128  # (the probe's 2 x 32 and the re-check's 64)
    # $ASSAY_TEXT_RECHECK=0 makes no check: its share stays the search's
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    assert _search_share(exhaustive_warning(setup, 4950)) == unchecked


def test_each_unit_keeps_a_query_of_a_budget_the_checks_would_take(setup: Any) -> None:
    from assay.text.api import exhaustive_warning

    budget = setup.loading_queries + 50
    # 46 units: the checks' share is what the units leave them, 4; the search's the units'
    said = exhaustive_warning(setup, budget, units=46, checks=True)
    assert _search_share(said) == 46, said


def test_a_search_share_beyond_the_budget_is_the_budget() -> None:
    g = _square()
    said = str(exhaustive_reach(g, 24, 2_000, search=5_000))
    assert "--max-queries 2,000 reaches at most the first 20.0% of them" in said, said
    said = str(exhaustive_reach(g, 24, 2_000))
    assert "--max-queries 2,000 reaches at most the first 20.0% of them" in said, said


def _reached(position: int, total: int) -> str | None:
    s = object.__new__(ExhaustiveStrategy)
    s.position, s.total = position, total
    return exhaustive_reached(s)


def test_an_exhaustive_headline_says_its_reach_rounded_down() -> None:
    said = _reached(4820, 4950)
    assert said == (
        "the exhaustive order reached 4,820 of the grammar's 4,950 derivations (97.3%), in "
        "which the first symbols vary least: the rest were never asked"
    ), said
    assert "(99.9%)" in str(_reached(9999, 10_000))
    assert "(less than 0.1%)" in str(_reached(3, 10_000))
    assert _reached(60, 60) is None  # (every derivation asked: nothing to say)
    assert exhaustive_reached(SimpleNamespace(position=1, total=60, done=False)) is None


def test_the_chance_mark_is_at_one_in_twenty_and_above_a_lift_of_one() -> None:
    # 8 of 10 at an overall 60 %: chance alone gives it 1 time in 6, possibly chance
    row = _lift_row(10, 8, 0.6)
    assert row["possibly chance"] and row["lift"] == pytest.approx(1.333), row
    # 10 of 10 at 60 %: 0.6^10, 1 in 165: not chance
    assert not _lift_row(10, 10, 0.6)["possibly chance"]
    # a lift under 1 is never marked (chance gives 2 or more of 10 at 50 % nearly always)
    row = _lift_row(10, 2, 0.5)
    assert row["lift"] < 1 and not row["possibly chance"], row


def test_a_campaigns_counts_stand_for_the_fewest_distinct_errors() -> None:
    assert _fewest(40, 28, 1, None) == (28, 40)
    assert _fewest(40, 28, 2, None) == (14, 26)  # each error counted by both units
    assert _fewest(40, 28, 3, None) == (10, 22)  # (28 / 3 rounded up)
    assert _fewest(40, 28, 2, 20) == (14, 26)  # 20 repeats known: at least 8, 14 still fewer
    assert _fewest(40, 28, 2, 4) == (24, 36)  # 4 repeats known: at least 24 distinct


def test_a_lift_chance_could_give_ranks_after_those_it_could_not() -> None:
    grammar = SimpleNamespace(n_productions=0)
    engine = SimpleNamespace(
        errors=88, cases=100, g=grammar, words={"five": [5, 5], "many": [200, 190]}
    )
    words = lift_table(engine)["words"]
    # "five": 5 of 5 at 88 % (lift 1.136, 0.88^5 = 0.53) after "many" (190 of 200, lift 1.08)
    assert [w["word"] for w in words] == ["many", "five"], words
    assert words[1]["possibly chance"] and not words[0]["possibly chance"], words


def test_a_binomial_tails_ends() -> None:
    assert upper_tail(9, 0, 0.37) == 1.0  # (k <= 0: certain, not a float sum's 0.99999...)
    assert upper_tail(5, 5, 0.5) == pytest.approx(1 / 32)
    assert upper_tail(5, 6, 0.5) == 0.0
    assert upper_tail(5, 3, 1.0) == 1.0
    assert upper_tail(5, 3, 0.0) == 0.0
    assert upper_tail(10, 8, 0.6) == pytest.approx(
        sum(math.comb(10, i) * 0.6**i * 0.4 ** (10 - i) for i in range(8, 11))
    )


MINIMAL = [
    {"sentence": "a", "count": 5},
    {"sentence": "b", "count": 3},
    {"sentence": "c", "count": 2},
]


def test_the_errors_the_findings_that_held_stand_for() -> None:
    # 5 distinct minimal sentences, 3 listed; "b" withdrawn and one unlisted: a's 5, c's 2
    # and the one unlisted that held, once (the least it stands for)
    assert held_errors(MINIMAL, {"b"}, 5, 2) == 8
    assert held_errors(MINIMAL, set(), 5, 0) == 12
    assert held_errors(MINIMAL, {"b"}, 5, 1) == 9  # (both unlisted held)
    assert held_errors(MINIMAL, {"a", "b", "c"}, 3, 3) == 0


def test_the_metrics_errors_and_rates_are_the_held_findings() -> None:
    metrics: dict[str, Any] = {ERRORS: 20, SEARCH_PER_1000: 100.0}
    _errors_held(metrics, {"minimal": MINIMAL, "distinct_minimal": 5}, {"b"}, 2)
    assert metrics[ERRORS_BEFORE] == 20 and metrics[ERRORS] == 8
    assert metrics[SEARCH_PER_1000] == pytest.approx(40.0)  # (the same queries: scaled)
    # never more errors than the search counted
    metrics = {ERRORS: 6}
    _errors_held(metrics, {"minimal": MINIMAL, "distinct_minimal": 5}, set(), 0)
    assert metrics[ERRORS] == 6


def test_a_tests_bound_is_said_rounded_up_everywhere() -> None:
    # 14 cases, none failing: 1 - 0.05^(1/14) = 19.26 %: "up to 20 %", never "19 %"
    few = 1 - 0.05 ** (1 / 14)
    said = _told({"outcome": "too few cases to tell", BOUND: few, "cases": 14})
    assert said.endswith("(its failure rate could be up to 20 %)"), said
    # 50 cases: kept 0.0582 (rounded up at 4 decimals), said "below 5.9 %", never "5.8 %"
    said = _told({"outcome": "no failure found", BOUND: 0.0582, "cases": 50})
    assert said.endswith("; failure rate below 5.9 % (95 %)"), said
    rows = [
        {"test": "t1", "cases": 50, "failing": 0, BOUND: 0.0582, "outcome": "no failure found"},
        {"test": "t2", "cases": 14, "failing": 0, BOUND: few, "outcome": "too few cases to tell"},
    ]
    cases = suite_test_cases("c", {"text": {"tests": rows}})
    out = cases[0].find("system-out")
    assert out is not None and str(out.text).endswith("failure rate below 5.9 % (95 %)")
    skipped = cases[1].find("skipped")
    assert skipped is not None and skipped.get("message", "").endswith("could be up to 20 %)")
    # the reports' Tests table: two decimals under 1 %
    table = text_summary.tests_rows([{BOUND: 0.0058155}, {BOUND: 0.058155}, {BOUND: None}], [BOUND])
    assert table == [["0.59 %"], ["5.9 %"], [None]], table


def _api_warning(**kw: Any) -> str:
    import warnings

    import assay
    from assay.core.notices import AssayWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", AssayWarning)  # (raised where it is said: no run)
        with pytest.raises(AssayWarning) as said:
            assay.check_text(
                _pair(), names=["a", "b"], grammar=GRAMMAR, strategy="exhaustive",
                max_queries=2000, seed=1, store=kw.pop("store"), **kw,
            )  # fmt: skip
    return str(said.value)


def test_an_api_calls_warning_takes_the_checks_share_only_when_they_are_made(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    checked = _search_share(_api_warning(store=tmp_path / "a.db"))
    unchecked = _search_share(_api_warning(store=tmp_path / "b.db", determinism_check=False))
    assert unchecked - checked == 128, (checked, unchecked)


def test_a_replays_tests_table_keeps_each_bound_said_rounded_up() -> None:
    from assay.text.replay_hold import _tests_without

    rows = [
        {"test": "t1", "cases": 50, "failing": 0, BOUND: 0.0582, "outcome": "no failure found"},
        {"test": "t2", "cases": 40, "failing": 3, "distinct minimal": 1, "outcome": "failing"},
    ]
    summary: dict[str, Any] = {
        "text": {"tests": rows},
        "sections": [{"title": "Tests", "table": {"columns": [], "rows": []}}],
    }
    _tests_without(summary, {1: 1})  # (t2's one finding did not replay)
    table = summary["sections"][0]["table"]
    at = table["columns"].index(BOUND)
    assert table["rows"][0][at] == "5.9 %", table  # (as the run's own table says it)


def test_a_bound_is_rounded_up_but_not_for_float_noise() -> None:
    from assay.core.display import percent_up, rounded_up

    # 0.0051 * 10,000 is 51.00000000000001 in floats: kept 0.0051, not 0.0052
    assert rounded_up(0.0051) == 0.0051
    assert percent_up(0.0051, 2) == "0.51"
    # a bound a hair above a decimal is rounded up all the same (never said below itself)
    assert rounded_up(0.05820005) == 0.0583
    assert percent_up(0.0580005) == "5.9"
