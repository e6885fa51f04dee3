"""A suite's floor (``text.floor``): the walk steers to where errors are and starved a test
that fails rarely (text35's Left 1); every test of an ``--oracle suite`` run now gets random
cases of its own first, and a test with no failure says what its cases bound, or that they
were too few to tell (never a silent pass)."""

from __future__ import annotations

import contextlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from assay.core.display import rounded_up
from assay.core.store import RunStore
from assay.errors import BudgetExhausted
from assay.report.junit_tests import suite_test_cases
from assay.text.api import check_text
from assay.text.bound import TOO_FEW, zero_bound
from assay.text.builtin_grammars import builtin_grammar_path
from assay.text.pipeline import WORKER_ENV

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from text_fakes import negation_blind

EXPECT = '%expect good -> 1\n%expect bad -> 0\n%expect neg: "not" -> not 1\n'
GOOD = "line 39: %expect good -> 1"


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def _suite(tmp_path: Path, **kw: Any) -> Any:
    """The reviews grammar with three MFT lines against a negation-blind classifier: its
    directional test fails on every case, and the walk stays there; ``%expect good -> 1``
    fails on about a sixth of its cases (praise with a contrast clause), rarely reached."""
    grammar = builtin_grammar_path("reviews").read_text() + EXPECT
    return check_text(
        negation_blind,
        grammar=grammar,
        oracle="suite",
        max_queries=kw.pop("max_queries", 3000),
        seed=kw.pop("seed", 11),
        store=RunStore(tmp_path / f"s{len(list(tmp_path.iterdir()))}.db"),
        **kw,
    )


def _config(result: Any) -> dict[str, Any]:
    with RunStore(result.store) as store:
        config: dict[str, Any] = store.get_run(result.run_id).config
        return config


def _tests(result: Any) -> dict[str, dict[str, Any]]:
    return {t["test"]: t for t in result.summary["text"]["tests"]}


def test_a_rarely_failing_test_of_a_suite_gets_its_floor_and_its_failures_are_found(
    tmp_path: Path,
) -> None:
    """Planted: ``negation_blind`` fails ``%expect good -> 1``; without the floor the walk
    judged it on 6 cases of 3,000 queries and found none of its failures."""
    tests = _tests(_suite(tmp_path))
    assert all(t["cases"] >= TOO_FEW for t in tests.values()), tests
    assert all(t["drawn at random (floor)"] >= TOO_FEW for t in tests.values())
    assert tests[GOOD]["failing"] > 0 and tests[GOOD]["outcome"] == "failing"
    meal = tests["line 35: %invariant meal"]
    assert meal["failing"] == 0 and meal["outcome"] == "no failure found"
    assert meal["failure rate below (95 %, none failing)"] == rounded_up(
        zero_bound(meal["cases"]) or 0
    )


def test_without_the_floor_a_starved_test_says_it_had_too_few_cases(tmp_path: Path) -> None:
    result = _suite(tmp_path, floor=0)
    tests = _tests(result)
    assert "drawn at random (floor)" not in tests[GOOD]
    assert tests[GOOD]["cases"] < TOO_FEW and tests[GOOD]["failing"] == 0
    assert tests[GOOD]["outcome"] == "too few cases to tell"
    assert "too few cases" in result.summary["incomplete_reason"]
    cases = {c.get("name"): c for c in suite_test_cases("assay.text", result.summary)}
    skipped = cases[f"test {GOOD}"].find("skipped")
    assert skipped is not None and "too few cases to tell" in skipped.get("message", "")
    assert cases['test line 38: %directional neg: "" -> "not" away 0'].find("failure") is not None


def test_a_suites_floor_is_kept_by_its_config_and_other_oracles_have_none(
    tmp_path: Path,
) -> None:
    suite = _suite(tmp_path, max_queries=600)
    assert _config(suite)["floor"] == 100
    invariance = check_text(
        negation_blind,
        grammar="builtin:reviews",
        oracle="invariance",
        max_queries=300,
        seed=1,
        store=RunStore(tmp_path / "inv.db"),
    )
    assert "floor" not in _config(invariance)
    assert "drawn at random (floor)" not in invariance.summary["text"]["tests"][0]


def test_the_bound_of_no_failure_is_the_exact_one_sided_95_percent_bound() -> None:
    assert zero_bound(0) is None
    assert zero_bound(100) == pytest.approx(0.0295, abs=1e-4)  # about 3/n: the rule of three
    assert zero_bound(TOO_FEW) == pytest.approx(0.0950, abs=1e-3)
    assert zero_bound(1) == pytest.approx(0.95)


def test_junit_gives_each_test_of_a_suite_a_case() -> None:
    row = {"distinct minimal": 0, "failure rate below (95 %, none failing)": 0.03}
    summary = {
        "text": {
            "tests": [
                {**row, "test": "a", "cases": 100, "failing": 0, "outcome": "no failure found"},
                {**row, "test": "b", "cases": 9, "failing": 3, "outcome": "failing"},
                {**row, "test": "c", "cases": 0, "failing": 0, "outcome": "not tested"},
            ]
        }
    }
    a, b, c = suite_test_cases("assay.text", summary)
    assert "below 3.0 %" in ET.tostring(a, encoding="unicode")
    assert b.find("failure") is not None and c.find("skipped") is not None
    assert suite_test_cases("assay.text", {"text": {"tests": summary["text"]["tests"][:1]}}) == []


def _engine(seed: int, rounds: int = 1) -> Any:
    """A suite's engine (the floor first) over the negation-blind classifier."""
    import numpy as np

    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text

    grammar = builtin_grammar_path("reviews").read_text() + EXPECT
    setup = setup_text([negation_blind], grammar=grammar, oracle="suite", rounds=rounds)
    model = BudgetedModel(setup.model, max_queries=8_000 * rounds)
    return setup.test.search(model, np.random.default_rng(seed)).engine


@pytest.mark.parametrize("rounds", [1, 3])
def test_a_suite_resumed_in_its_floor_continues_as_the_uninterrupted_one(rounds: int) -> None:
    """Snapshot taken while the floor draws; restored, the floor ends and the walk goes on
    as in the run that was never stopped (lagged rounds too)."""
    from assay.core.rng import generator_state, set_generator_state
    from assay.text.engine import thaw

    try:
        a = _engine(4, rounds)
        a.step()
        assert not a.strategy.over and sum(a.strategy.drawn) > 0
        # (kept beside the search's snapshot, as ``core.run`` does: the budget, the seed)
        snap, rng, budget = a.snapshot(), generator_state(a.rng), a.model.snapshot()
        b = _engine(99, rounds)
        b.restore(snap)
        b.model.restore(budget)
        set_generator_state(b.rng, rng)
        for _ in range(12):  # (to the budget's end, or near it)
            for engine in (a, b):
                with contextlib.suppress(BudgetExhausted):
                    engine.step()
        assert a.strategy.over and b.strategy.over  # (the walk has run since)
        assert len(a.minimal) > 0 and sorted(a.minimal) == sorted(b.minimal)
        assert a.per_test == b.per_test and a.strategy.drawn == b.strategy.drawn
        assert a.model.queries == b.model.queries
    finally:
        thaw()


def test_a_suite_with_a_test_of_too_few_cases_is_no_pass_and_its_floor_gives_it_cases(
    tmp_path: Path,
) -> None:
    """A correct classifier; "not" is in one sentence of 31: without the floor the MFT on
    it judged 3 cases (0 failing) and the run exited 0 on main; now exit 2, "not
    everything was tested".  With the floor: 45 cases, a bound, exit 0."""
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        's -> "the" thing "is" neg adj tail\n'
        'thing -> "food" | "room" | "view" | "staff" | "bed" | "bar" | "pool" | "lobby"\n'
        'neg -> "" [30] | "not" [1]\n'
        'adj -> "good" | "great" | "fine" | "nice" | "lovely"\n'
        'tail -> "" | "today" | "again" | "as ever" | "this week" | "for us"\n'
        '%expect neg: "not" -> neg\n%invariant thing\n'
    )
    clf = tmp_path / "clf.py"
    clf.write_text(
        "def f(texts):\n"
        "    return [[0.9, 0.1] if 'not' in t else [0.1, 0.9] for t in texts]\n"
        "f.classes_ = ['neg', 'pos']\n"
    )

    def run(*extra: str) -> Any:
        return CliRunner().invoke(
            app,
            ["text", f"{clf}:f", "--grammar", str(grammar), "--store", str(tmp_path / "s.db"),
             "--max-queries", "400", *extra],
        )  # fmt: skip

    # seeded: which cases the walk judges depends on the seed (CI run 109, a seed unseeded
    # runs drew: no case of the MFT test at all, a pass until a test judging none counted)
    starved = run("--oracle", "suite", "--floor", "0", "--seed", "1")
    assert starved.exit_code == 2, starved.output
    assert "TOO FEW CASES TO TELL" in starved.output
    assert "NOT EVERYTHING WAS TESTED" in starved.output
    # (seed 4040602200 at --max-queries 400 judged no case of the MFT until left42t made an
    # invariance case one set of sentences: fewer cases, and every seed tried at 400 judges
    # some of it; the last --max-queries wins)
    none = run("--oracle", "suite", "--floor", "0", "--seed", "5", "--max-queries", "250")
    assert "no case judged: nothing of it was tested" in none.output, none.output
    assert none.exit_code == 2, none.output  # (it exited 0)
    assert "NOT EVERYTHING WAS TESTED" in none.output
    floored = run("--oracle", "suite", "--seed", "1")
    assert floored.exit_code == 0, floored.output
    assert "TOO FEW" not in floored.output and "failure rate below" in floored.output
    refused = run("--floor", "5")  # (a differential run: no test to floor)
    assert refused.exit_code == 2 and "--floor" in refused.output
