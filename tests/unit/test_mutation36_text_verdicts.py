"""What a text run's tests tell (``summary.test_table``, ``too_few_reason``, the terminal's
and JUnit's words for them) at the edges mutation36 found untested: 30 cases are enough
(``TOO_FEW``), a test of no case is "not tested", a small grammar asked whole passed its
cases however few, and the reasons a run is no pass name the budget to raise."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assay.core.display import rounded_up
from assay.text.bound import TOO_FEW, zero_bound
from assay.text.summary import test_table as table
from assay.text.summary import too_few_reason


def _engine(counts: list[list[int]], drawn: list[int] | None = None) -> Any:
    names = [f"line {9 + r}: %expect t{r} -> pos" for r in range(len(counts))]
    oracle = SimpleNamespace(
        tests=names, metamorphic=True, kind="expect", layout=SimpleNamespace(names=("m",))
    )
    # (the floor's draws per test, as a campaign's merged statistics give them)
    return SimpleNamespace(oracle=oracle, minimal={}, per_test=counts, drawn_by_floor=drawn)


def test_thirty_cases_tell_and_twenty_nine_are_too_few() -> None:
    assert TOO_FEW == 30
    rows = table(_engine([[30, 0], [29, 0], [0, 0], [12, 3]], drawn=[20, 21, 0, 5]))
    assert [r["outcome"] for r in rows] == [
        "no failure found",
        "too few cases to tell",
        "not tested",
        "failing",
    ]
    assert rows[0]["failure rate below (95 %, none failing)"] == rounded_up(zero_bound(30) or 0)
    assert rows[2]["failure rate below (95 %, none failing)"] is None
    assert rows[3]["failure rate below (95 %, none failing)"] is None  # (it failed)
    assert [r["drawn at random (floor)"] for r in rows] == [20, 21, 0, 5]


def test_a_grammar_asked_whole_passed_its_few_cases() -> None:
    rows = table(_engine([[4, 0], [0, 0]]), every=True)
    assert [r["outcome"] for r in rows] == ["no failure in every case", "not tested"]
    assert "drawn at random (floor)" not in rows[0]  # (no floor)


def _suite(*outcomes: tuple[str, int]) -> dict[str, Any]:
    tests = [{"test": f"t{i}", "cases": c, "outcome": o} for i, (o, c) in enumerate(outcomes)]
    return {"tested": 200, "text": {"tests": tests}}


def test_a_suites_reason_names_its_tests_that_told_nothing() -> None:
    told = ("no failure found", 100)
    assert too_few_reason(_suite(told, ("failing", 3)), "suite") is None
    why = too_few_reason(_suite(told, ("too few cases to tell", 7), ("not tested", 0)), "suite")
    assert why is not None
    assert why.startswith("2 of the suite's 3 tests judged too few cases (under 30)"), why
    assert "(t1: 0 of 7; t2: no case judged)" in why, why
    assert why.endswith("a larger --max-queries or --floor gives each its cases")
    many = too_few_reason(_suite(*[("not tested", 0)] * 5), "suite")
    assert many is not None and "t2: no case judged; ...)" in many, many


def _searched(cases: int, **more: Any) -> dict[str, Any]:
    return {"tested": cases, **more}


@pytest.mark.parametrize("kind", ["invariance", "directional", "expect", "differential"])
def test_a_search_of_under_thirty_cases_names_the_budget_to_raise(kind: str) -> None:
    why = too_few_reason(_searched(29), kind, "queries")
    assert why is not None and why.startswith("the search judged 29 cases, none failing"), why
    assert "raise --max-queries" in why and "--max-time" not in why, why
    timed = too_few_reason(_searched(1), kind, "time")
    assert timed is not None and "1 case," in timed and "raise --max-time" in timed, timed
    either = too_few_reason(_searched(2), kind)
    assert either is not None and "raise --max-queries (or --max-time)" in either, either
    assert too_few_reason(_searched(30), kind, "queries") is None


def test_no_too_little_when_something_failed_the_grammar_was_asked_whole_or_nothing_was() -> None:
    errors = {"metrics": {"errors found (distinct failing sentences)": 2}}
    assert too_few_reason(_searched(5, **errors), "invariance", "queries") is None
    whole = {"stopped_early": {"search": "space"}}
    assert too_few_reason(_searched(5, **whole), "invariance", "queries") is None
    assert too_few_reason(_searched(0), "invariance", "queries") is None  # (untested says it)
    constant = {"untested_reason": "every classifier gave one answer"}
    assert too_few_reason(_searched(5, **constant), "invariance", "queries") is None


def _row(cases: int, failing: int, outcome: str, **more: Any) -> dict[str, Any]:
    bound = zero_bound(cases) if cases and not failing else None
    return {
        "test": "line 9: %expect pos -> pos",
        "cases": cases,
        "failing": failing,
        "distinct minimal": failing and 1,
        "failure rate below (95 %, none failing)": None if bound is None else rounded_up(bound),
        "outcome": outcome,
        **more,
    }


def test_the_terminal_says_what_each_test_told() -> None:
    from assay.cli.text_lines import _told

    told = _told(_row(100, 0, "no failure found", **{"drawn at random (floor)": 64}))
    assert told == ", 64 drawn at random; failure rate below 3.0 % (95 %)", told
    few = _told(_row(10, 0, "too few cases to tell"))
    assert few == ": TOO FEW CASES TO TELL (its failure rate could be up to 26 %)", few
    assert _told(_row(4, 0, "no failure in every case")) == ": every case of it was judged"
    assert _told(_row(9, 3, "failing")) == ""


def test_the_junit_cases_of_a_suites_tests_say_what_each_told() -> None:
    import xml.etree.ElementTree as ET

    from assay.report.junit_tests import suite_test_cases

    rows = [
        _row(100, 0, "no failure found", **{"drawn at random (floor)": 64}),
        _row(10, 0, "too few cases to tell"),
        _row(0, 0, "not tested"),
        _row(9, 3, "failing"),
        _row(4, 0, "no failure in every case"),
    ]
    for i, r in enumerate(rows):
        r["test"] = f"t{i}"
    a, b, c, d, e = suite_test_cases("assay.text [x]", {"text": {"tests": rows}})
    out = a.find("system-out")
    assert out is not None
    assert (
        out.text == "0 of 100 cases failing (64 drawn at random); failure rate below 3.0 % (95 %)"
    )
    skipped = b.find("skipped")
    assert skipped is not None and skipped.get("message") == (
        "0 of 10 cases failing: too few cases to tell (its failure rate could be up to 26 %)"
    )
    none = c.find("skipped")
    assert none is not None and none.get("message") == "no case judged: nothing of it was tested"
    failure = d.find("failure")
    assert (
        failure is not None and failure.get("message") == "3 of 9 cases failing, 1 distinct minimal"
    )
    whole = e.find("system-out")
    assert whole is not None and whole.text == "0 of 4 cases failing; every case of it was judged"
    assert ET.tostring(a, encoding="unicode").count("<testcase") == 1


def test_the_budget_named_is_the_one_that_ended_the_search() -> None:
    """Both budgets given, time spent first: raise --max-time (not --max-queries)."""
    from assay.text.technique import TextSearch

    def search(exhausted: str | None, queries: int | None, time: float | None) -> Any:
        model = SimpleNamespace(exhausted=lambda: exhausted, max_queries=queries, max_time=time)
        return TextSearch._budget_spent(SimpleNamespace(model=model))  # type: ignore[arg-type]

    assert search("time", 20_000, 5.0) == "time"
    assert search(None, 20_000, 5.0) == "queries"
    assert search(None, None, 5.0) == "time"
    assert search(None, None, None) is None


def test_an_expectation_that_judged_no_case_tested_nothing() -> None:
    """``untested._labelled``: a minimum functionality test counts as tested once it judged
    a case, not for being declared."""
    from assay.text.untested import _labelled

    def engine(alone: list[bool], per_test: list[list[int]]) -> Any:
        return SimpleNamespace(oracle=SimpleNamespace(alone=alone), per_test=per_test)

    assert not _labelled(engine([True, False], [[0, 0], [40, 0]]))
    assert _labelled(engine([True, False], [[3, 0], [0, 0]]))
    assert not _labelled(engine([], [[3, 0]]))
