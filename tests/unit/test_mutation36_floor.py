"""A suite's floor (``text.floor``, text35b) at the edges mutation36 found untested: the
floor stops at a quarter of the query budget (not its cases), and ``--floor``'s values."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.text.floor import FLOOR_CASES, suite_floor
from assay.text.pipeline import WORKER_ENV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_text35b_floor import _engine  # isort: skip


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def test_the_floor_stops_at_a_quarter_of_the_budget() -> None:
    """8,000 queries: the floor may spend 2,000 (it stops at the first round past them);
    its 100 cases per test need more, so no test gets them all, and the walk takes over."""
    from assay.text.engine import thaw

    try:
        engine = _engine(4)
        floor = engine.strategy
        while not floor.over:
            engine.step()
        assert floor.cap == 8_000 // 4
        assert max(floor.drawn) < FLOOR_CASES  # stopped by its share, not its cases
        assert engine.model.queries - floor.start < 2_000 + 1_500  # (one round past it)
    finally:
        thaw()


def test_floor_values() -> None:
    assert suite_floor(None, "suite", "walk") == FLOOR_CASES
    assert suite_floor(None, "suite", "exhaustive") == 0  # (it judges every case anyway)
    assert suite_floor(None, "invariance", "walk") == 0
    assert suite_floor(0, "suite", "walk") == 0  # (0: none, not the default)
    assert suite_floor(7, "expect", "walk") == 7
    for bad in (-1, -100):
        with pytest.raises(UsageError) as err:
            suite_floor(bad, "suite", "walk")
        assert err.value.argument == "--floor" and str(bad) in str(err.value)


def test_the_floors_rounds_are_not_charged_to_the_walk() -> None:
    """The walk's bookkeeping of its own proposals (``shrunk``: what shrinking them cost)
    is not told of the floor's rounds: the floor's random cases are not the walk's, and
    its errors (the negation-blind classifier fails the directional test on every case)
    were shrunk while it drew them."""
    from assay.text.engine import thaw

    try:
        engine = _engine(4)
        floor = engine.strategy
        walk = floor.inner
        fresh, worth, pool = list(walk.fresh), walk.worth.copy(), len(walk.pool)
        engine.step()
        assert not floor.over and engine.minimal  # (errors found and shrunk in the floor)
        assert floor.inner.shrinking == [0.0, 0.0]
        # (nor does it observe the floor's rounds as its own draws: fresh draws' errors, its
        # modes' worth)
        assert list(walk.fresh) == fresh and (walk.worth == worth).all()
        assert len(walk.pool) == pool == 0  # (the floor's failing cases are not its pool)
        # but the minimal errors the floor found are the walk's to restart at
        assert len(walk.minimal) == min(len(engine.minimal), walk.pool_size) > 0
    finally:
        thaw()


def test_the_floors_state_is_kept_whole_for_a_resume() -> None:
    """Everything the floor counts is checkpointed and restored: the cases drawn per test,
    the tests out of reach, its cap and the queries asked when it began (a resumed floor
    measures its quarter from there), and whether it is over."""
    from assay.text.engine import thaw
    from assay.text.floor import SuiteFloor

    try:
        engine = _engine(4)
        floor = engine.strategy
        engine.step()
        floor.start, floor.out_of_reach[1] = 17, True  # (as a floor begun after loading)
        floor.over = True  # (and ended: the walk goes on when resumed)
        again = SuiteFloor(floor.inner, floor.cases)
        again.load(json.loads(json.dumps(floor.state())))
        kept = ("drawn", "out_of_reach", "cap", "start", "over")
        assert {k: getattr(again, k) for k in kept} == {k: getattr(floor, k) for k in kept}
    finally:
        thaw()


def test_the_floors_quarter_counts_from_where_it_began_and_its_tests_stay_even() -> None:
    """Queries asked before the floor (a run's loading counts within its budget) are not
    the floor's: with 1,000 spent first, it may spend a quarter of the 7,000 left; and each
    round starts with the tests that have the fewest cases, so that they stay even."""
    from assay.text.engine import thaw

    try:
        engine = _engine(4)
        floor = engine.strategy
        engine.model.predict([f"a sentence numbered {i}" for i in range(1000)])
        assert engine.model.queries == 1000
        while not floor.over:
            engine.step()
        assert floor.start == 1000 and floor.cap == 7_000 // 4
        assert engine.model.queries - floor.start >= floor.cap
        reached = [d for d, out in zip(floor.drawn, floor.out_of_reach, strict=True) if not out]
        assert max(reached) - min(reached) <= 1, floor.drawn
    finally:
        thaw()


def test_a_floor_of_five_draws_five_cases_per_test() -> None:
    import numpy as np

    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text
    from assay.text.builtin_grammars import builtin_grammar_path
    from assay.text.engine import thaw

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
    from test_text35b_floor import EXPECT, negation_blind  # isort: skip

    try:
        grammar = builtin_grammar_path("reviews").read_text() + EXPECT
        setup = setup_text([negation_blind], grammar=grammar, oracle="suite", floor=5)
        model = BudgetedModel(setup.model, max_queries=8_000)
        engine = setup.test.search(model, np.random.default_rng(2)).engine
        floor = engine.strategy
        while not floor.over:
            engine.step()
        assert floor.drawn == [5] * len(floor.drawn), floor.drawn
    finally:
        thaw()


def test_a_test_with_fewer_cases_than_its_floor_draws_each_once_and_is_out_of_reach() -> None:
    """text35's negation suite: ``%expect pos -> pos`` has 18 sentences (3 openings x 3
    things x 2 words); its floor of 100 draws each of them once (a case asked before is not
    drawn again: 100 "cases" of 18 would state a bound they do not give), then takes the
    test as out of reach and draws no more of it."""
    import numpy as np

    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text
    from assay.text.engine import thaw
    from test_text35_checklist import SUITE, _right  # isort: skip

    try:
        setup = setup_text([_right], grammar=SUITE, oracle="suite")
        model = BudgetedModel(setup.model, max_queries=20_000)
        engine = setup.test.search(model, np.random.default_rng(5)).engine
        floor = engine.strategy
        while not floor.over:
            engine.step()
        assert floor.drawn[0] <= 18 and floor.out_of_reach[0], (floor.drawn, floor.out_of_reach)
        assert engine.per_test[0][0] <= 18
    finally:
        thaw()
