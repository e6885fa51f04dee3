"""text36: every run of several tests judges each test alike (a single-kind run too), and a
suite's floor keeps a share of every round beside the walk, in every lane, within a time
budget; a campaign's merged tests say what each unit's floor drew."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.errors import BudgetExhausted
from assay.text.bound import TOO_FEW
from assay.text.builtin_grammars import builtin_grammar_path
from assay.text.floor import BESIDE, SuiteFloor, floor_drawn
from assay.text.pipeline import WORKER_ENV

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from text_fakes import negation_blind

EXPECT = '%expect good -> 1\n%expect bad -> 0\n%expect neg: "not" -> not 1\n'

# "hedge" is in one sentence of 41: the walk judged its invariance on 0-2 cases of 600
# queries, and the run of two %invariant lines passed (exit 0) with "TOO FEW" on its line
HEDGED = (
    's -> pre "the" thing "is" adj tail\n'
    'pre -> "" [40] | hedge [1]\n'
    'hedge -> "honestly ," | "frankly ,"\n'
    'thing -> "food" | "room" | "view" | "staff" | "bed" | "bar" | "pool" | "lobby"\n'
    'adj -> "good" | "great" | "fine" | "nice" | "lovely" | "clean" | "quiet" | "warm"\n'
    'tail -> "" | "today" | "again" | "as ever" | "this week" | "for us" | "now" | "still"\n'
    "%invariant thing\n%invariant hedge\n"
)
QUIET = (
    "def f(texts):\n"
    "    return [[0.8, 0.2] if 'quiet' in t else [0.3, 0.7] for t in texts]\n"
    "f.classes_ = ['neg', 'pos']\n"
)


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


@pytest.mark.parametrize("seed", ["1", "2"])
def test_a_single_kind_run_with_a_starved_test_is_no_pass(tmp_path: Path, seed: str) -> None:
    """Two ``%invariant`` lines, ``--oracle invariance``: the rare one judged 2 cases (seed
    1) or none (seed 2), none failing; main exited 0 ("TOO FEW" on its line only)."""
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    (tmp_path / "g.cfg").write_text(HEDGED)
    (tmp_path / "clf.py").write_text(QUIET)

    def run(*extra: str) -> Any:
        return CliRunner().invoke(
            app,
            ["text", f"{tmp_path / 'clf.py'}:f", "--grammar", str(tmp_path / "g.cfg"),
             "--oracle", "invariance", "--store", str(tmp_path / "s.db"),
             "--max-queries", "600", "--seed", seed, *extra],
        )  # fmt: skip

    starved = run()
    assert starved.exit_code == 2, starved.output
    assert "NOT EVERYTHING WAS TESTED: 1 of the run's 2 tests" in starved.output
    assert "line 8: %invariant hedge" in starved.output
    floored = run("--floor", "40")
    assert floored.exit_code == 0, floored.output
    assert "TOO FEW" not in floored.output and "NOT EVERYTHING" not in floored.output


def _engine(seed: int, rounds: int = 1, lanes: int = 1, **budget: Any) -> Any:
    """A suite's engine (the reviews grammar and three MFT lines) over the negation-blind
    classifier: its directional test fails on every case, and the walk stays there."""
    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text

    grammar = builtin_grammar_path("reviews").read_text() + EXPECT
    setup = setup_text(
        [negation_blind], grammar=grammar, oracle="suite", rounds=rounds, lanes=lanes
    )
    model = BudgetedModel(setup.model, **(budget or {"max_queries": 20_000}))
    return setup.test.search(model, np.random.default_rng(seed)).engine


def _steps(engine: Any, n: int) -> None:
    for _ in range(n):
        with contextlib.suppress(BudgetExhausted):
            engine.step()


def test_the_floor_keeps_a_share_of_every_round_beside_the_walk() -> None:
    """Once the floor before the walk is over, the rare tests still get random cases, a
    round's ``1 / BESIDE`` at most; on main the floor drew nothing after it (its counts
    stayed as they were when it ended)."""
    from assay.text.engine import thaw

    try:
        e = _engine(11)
        floor = e.strategy
        while not floor.over:
            e.step()
        before = list(floor.drawn)
        shares = []
        while sum(1 for n in shares if n) < 3:
            cases = e.propose_round()
            mine = floor._mine[-1] if floor._mine else {}
            shares.append(sum(1 for c in cases if mine.get(id(c)) is c))
            if shares[-1]:  # (the walk's cases first, the floor's after them)
                assert all(mine.get(id(c)) is c for c in cases[-shares[-1] :])
            e.shrink_round(e.judge_round(cases))
        assert max(shares) > 0 and max(shares) <= max(1, e.batch // BESIDE), shares
        assert sum(floor.drawn) > sum(before)
        # the test the walk fails everywhere got none of them; the rare ones did
        grew = [a - b for a, b in zip(floor.drawn, before, strict=True)]
        directional = [i for i, t in enumerate(e.oracle.tests) if "%directional" in t]
        assert all(grew[i] == 0 for i in directional) and max(grew) > 0, grew
    finally:
        thaw()


@pytest.mark.parametrize("rounds", [1, 3])
def test_a_suite_resumed_beside_its_floor_continues_as_the_uninterrupted_one(rounds: int) -> None:
    """Snapshot taken after the floor before the walk, while the floor draws beside it;
    restored, the run goes on as the one never stopped (lagged rounds too)."""
    from assay.core.rng import generator_state, set_generator_state
    from assay.text.engine import thaw

    try:
        a = _engine(4, rounds, max_queries=9_000 * rounds)
        while not a.strategy.over:
            a.step()
        a.step()
        assert sum(a.strategy.seen) > 0  # (the walk has proposed since)
        snap, rng, budget = a.snapshot(), generator_state(a.rng), a.model.snapshot()
        b = _engine(99, rounds, max_queries=9_000 * rounds)
        b.restore(snap)
        b.model.restore(budget)
        set_generator_state(b.rng, rng)
        for engine in (a, b):
            _steps(engine, 10)
        assert len(a.minimal) > 0 and sorted(a.minimal) == sorted(b.minimal)
        assert a.per_test == b.per_test
        assert a.strategy.drawn == b.strategy.drawn and a.strategy.seen == b.strategy.seen
        assert a.model.queries == b.model.queries
    finally:
        thaw()


def test_every_lane_draws_its_share_of_the_floor() -> None:
    """With two lanes each lane's strategy has a floor of half the cases; on main lane 1
    walked from the start and only lane 0 drew."""
    from assay.text.engine import thaw

    try:
        e = _engine(3, lanes=2, max_queries=6_000)
        _steps(e, 12)
        floors = [c["strategy"] for c in e._ctx]
        assert len(floors) == 2 and all(isinstance(f, SuiteFloor) for f in floors)
        assert all(f.cases == 50 and sum(f.drawn) > 0 for f in floors)
        drawn = floor_drawn(e)
        assert drawn == [a + b for a, b in zip(floors[0].drawn, floors[1].drawn, strict=True)]
        tests = {t["test"]: t for t in __import__("assay.text.summary").text.summary.test_table(e)}
        assert all(t["drawn at random (floor)"] >= TOO_FEW for t in tests.values()), tests
    finally:
        thaw()


def test_the_floor_before_the_walk_ends_at_a_quarter_of_a_time_budget() -> None:
    """With ``--max-time`` alone the floor had no cap at all (it drew its cases per test
    whatever they cost); now a quarter of the time left when it began."""
    from assay.text.engine import thaw

    try:
        e = _engine(5, max_time=3_600.0)
        e.step()
        floor = e.strategy
        assert floor.cap is None and floor.time_cap is not None
        assert 800.0 < floor.time_cap <= 900.0 and not floor.over
        floor.time_cap = e.model.elapsed - floor.time_start  # (its time spent)
        e.step()
        assert floor.over and min(floor.drawn) < floor.cases
    finally:
        thaw()


def test_a_campaigns_merged_tests_say_what_the_floors_drew(tmp_path: Path) -> None:
    """``units=2``: the merged Tests table has the floor's column, each unit's added (it
    was missing: the merged engine has no strategy)."""
    from assay.core.store import RunStore
    from assay.text.api import check_text

    grammar = builtin_grammar_path("reviews").read_text() + EXPECT
    result = check_text(
        negation_blind,
        grammar=grammar,
        oracle="suite",
        max_queries=4_000,
        seed=2,
        units=2,
        store=RunStore(tmp_path / "s.db"),
    )
    tests = result.summary["text"]["tests"]
    assert all(t["drawn at random (floor)"] >= 2 * TOO_FEW for t in tests), tests


CLASSIFIERS = (
    "def quiet(texts):\n"
    "    return [[0.8, 0.2] if 'quiet' in t else [0.3, 0.7] for t in texts]\n"
    "quiet.classes_ = ['neg', 'pos']\n"
    "def negates(texts):\n"
    "    return [[0.9, 0.1] if 'not' in t else [0.1, 0.9] for t in texts]\n"
    "negates.classes_ = ['neg', 'pos']\n"
    "def always_pos(texts):\n"
    "    return [[0.2 + 0.001 * len(t), 0.8 - 0.001 * len(t)] for t in texts]\n"
    "always_pos.classes_ = ['neg', 'pos']\n"
)
SMALL = (
    's -> "the" thing "is" neg adj\n'
    'thing -> "food" | "room" | "view" | "staff" | "bed"\n'
    'neg -> "" | "not"\n'
    'adj -> "good" | "great" | "fine" | "quiet"\n'
    "%invariant thing\n"
)


def _cli(tmp_path: Path, grammar: str, names: list[str], *options: str) -> Any:
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    (tmp_path / "g.cfg").write_text(grammar)
    (tmp_path / "clf.py").write_text(CLASSIFIERS)
    models = [f"{tmp_path / 'clf.py'}:{m}" for m in names]
    return CliRunner().invoke(
        app,
        ["text", *models, "--grammar", str(tmp_path / "g.cfg"),
         "--store", str(tmp_path / "s.db"), "--max-queries", "400", "--seed", "1", *options],
    )  # fmt: skip


def test_a_failing_sentence_names_the_classifiers_that_failed(tmp_path: Path) -> None:
    """Two classifiers, ``%expect neg: "not" -> neg``: ``quiet`` fails it, ``negates``
    passes; the terminal line showed both labels and not which failed, and the exports
    had no column for it."""
    from assay.core.store import RunStore
    from assay.text.exports import findings_frame

    got = _cli(
        tmp_path, SMALL + '%expect neg: "not" -> neg\n', ["quiet", "negates"], "--oracle", "expect"
    )
    assert got.exit_code == 1, got.output
    lines = [line for line in got.output.splitlines() if line.startswith('  "the')]
    assert lines and all(line.endswith("] failed by clf.py:quiet") for line in lines), lines
    with RunStore(tmp_path / "s.db") as store:
        run = store.list_runs()[0]
        frame = findings_frame(store, run.id)
        summary = store.get_run(run.id).summary
    assert len(frame) and all(f == ["clf.py:quiet"] for f in frame["failed"])
    assert all(m["failed"] == ["clf.py:quiet"] for m in summary["text"]["minimal"])


def test_a_suites_invariance_test_of_a_one_label_classifier_tested_nothing(
    tmp_path: Path,
) -> None:
    """``always_pos`` says pos to every sentence, its scores varying: the suite's MFT
    (``good -> pos``) passes, its invariance test could not fail; main said "0 of 40 ...
    failure rate below" and exited 0."""
    got = _cli(
        tmp_path, SMALL + '%expect adj: "good" -> pos\n', ["always_pos"], "--oracle", "suite"
    )
    assert got.exit_code == 2, got.output
    assert "line 5: %invariant thing: 0 of" in got.output
    assert "NOTHING OF IT WAS TESTED (one label to every sentence" in got.output
    assert "NOT EVERYTHING WAS TESTED" in got.output and "gave one label to every" in got.output


def test_a_campaigns_merged_tests_count_each_case_once(tmp_path: Path) -> None:
    """Two units of a small suite both judge every case (8 of the invariance test, 10 of
    the MFT): the merged table said twice as many (each unit's added, "24 of 40" in
    checklist34's run): 20 cases are too few to tell, 10 were not.  (The invariance test's
    case is a set of sentences, the five things swapped: 40 sentences, 8 cases; each
    sentence was its own case, 40, before left42t.)"""
    from assay.core.store import RunStore
    from assay.text.api import check_text

    def negates(texts: list[str]) -> Any:
        return np.array([[0.9, 0.1] if "not" in t else [0.1, 0.9] for t in texts])

    negates.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    result = check_text(
        negates,
        grammar=SMALL + '%expect adj: "good" -> pos\n',
        oracle="suite",
        max_queries=2_000,
        seed=3,
        units=2,
        store=RunStore(tmp_path / "s.db"),
    )
    tests = {t["test"]: t for t in result.summary["text"]["tests"]}
    assert tests["line 5: %invariant thing"]["cases"] == 8, tests
    mft = tests['line 6: %expect adj: "good" -> pos']
    assert (mft["cases"], mft["failing"]) == (10, 5), tests


def test_a_junit_failure_names_the_classifiers_that_failed() -> None:
    from assay.core.labels import join_labels
    from assay.report.junit_cases import text_case

    finding = {
        "kind": "text-expect",
        "inputs": ["the bed is not good", "the bed is not good"],
        "details": {
            "labels": join_labels(["pos", "neg"]),
            "classifiers": ["clf.py:quiet", "clf.py:negates"],
            "failed": join_labels(["clf.py:quiet"]),
        },
    }
    got = text_case(finding)
    assert got is not None and got[1].endswith("(failed by clf.py:quiet)"), got
    del finding["details"]["failed"]  # (a finding stored before: as it was)
    assert text_case(finding) == (
        '"the bed is not good"',
        'clf.py:quiet: pos, clf.py:negates: neg on "the bed is not good"',
    )


def test_one_steady_classifier_beside_a_varying_one_leaves_the_invariance_test_tested(
    tmp_path: Path,
) -> None:
    """(mutation37's SS2) ``always_pos`` beside ``negates``: the invariance test is "not
    tested" only when every classifier gave one label to every sentence."""
    got = _cli(
        tmp_path,
        SMALL + '%expect adj: "good" -> pos\n',
        ["always_pos", "negates"],
        "--oracle",
        "suite",
    )
    line = [s for s in got.output.splitlines() if "line 5: %invariant thing:" in s]
    assert line, got.output
    assert "NOTHING OF IT WAS TESTED" not in line[0], got.output
    assert "gave one label to every" in got.output  # (said of always_pos all the same)


def test_a_one_label_classifiers_expectations_are_tested_all_the_same(tmp_path: Path) -> None:
    """(mutation37's SS5) only the invariance tests of a one-label classifier tested nothing:
    its ``%expect`` line (``good -> pos``, passed) is judged."""
    got = _cli(
        tmp_path, SMALL + '%expect adj: "good" -> pos\n', ["always_pos"], "--oracle", "suite"
    )
    line = [s for s in got.output.splitlines() if "line 6: %expect" in s]
    assert line, got.output
    assert "NOTHING OF IT WAS TESTED" not in line[0], got.output
