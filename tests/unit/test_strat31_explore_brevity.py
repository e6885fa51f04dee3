"""The default walk draws its exploring walkers' new material shorter where errors are
common and shrinking costs (``WalkStrategy._explore_brevity``), and as before elsewhere and
until both are measured (strat32)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assay.text.walk import WalkStrategy


def test_the_exponent_grows_with_how_common_errors_are_and_what_shrinking_costs() -> None:
    w = WalkStrategy()
    assert w.shorter > 0
    w.shrinking = [900.0, 600.0]  # shrinking costs (1.5 queries a failing proposal: 1)
    w.fresh = [1000, 50]  # errors rare: as before (the exponent would not double)
    assert w._explore_brevity() == w.brevity
    w.fresh = [1000, 460]  # errors common: much shorter
    common = w._explore_brevity()
    assert common > 2.5 * w.brevity
    w.shrinking = [0.0, 600.0]  # failing sentences minimal as found: nothing to gain
    assert w._explore_brevity() == w.brevity
    w.shrinking = [300.0, 600.0]  # half a query each: part of the way
    assert 2.0 * w.brevity <= w._explore_brevity() < common
    w.shrinking = [0.0, 0.0]  # shrinking not measured yet: as before
    assert w._explore_brevity() == w.brevity
    w.shrinking, w.fresh = [900.0, 600.0], [w.n_walkers - 1, 40]  # under a round's draws
    assert w._explore_brevity() == w.brevity
    w.fresh = [1000, 1000]  # every draw fails: bounded
    assert np.isfinite(w._explore_brevity())


def test_the_walks_kept_for_comparison_never_draw_shorter() -> None:
    for harvest in (True, False):
        assert WalkStrategy(harvest=harvest).shorter == 0


def test_what_shrinking_cost_comes_back_from_the_checkpoint_and_old_ones_still_load() -> None:
    w = WalkStrategy()
    w.shrinking, w.fresh = [12.5, 7.25], [40, 9]
    again = WalkStrategy()
    again.load(w.state())
    assert again.shrinking == [12.5, 7.25] and again.fresh == [40, 9]
    assert not again.shortened
    w.shortened = True
    again = WalkStrategy()
    again.load(w.state())
    assert again.shortened
    old = w.state()
    del old["shrinking"], old["shortened"]  # a checkpoint written before they were kept
    again = WalkStrategy()
    again.load(old)
    assert again.shrinking == [0.0, 0.0] and again.fresh == [40, 9]
    assert again.shortened  # (its walkers are not restarted mid-run)


def _engine(shorter: float) -> Any:
    from assay.core.budget import BudgetedModel
    from assay.text import technique
    from assay.text.api import setup_text

    fakes = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
    setup = setup_text([f"{fakes}:lexicon", f"{fakes}:flipped_words"], grammar="builtin:reviews")
    made = technique.make_strategy

    def make(*args: Any, **kwargs: Any) -> Any:
        made(*args, **kwargs)
        return WalkStrategy(screen=3, shorter=shorter)

    technique.make_strategy = make  # type: ignore[assignment]
    try:
        model = BudgetedModel(setup.model, max_queries=10_000)
        return setup.test.search(model, np.random.default_rng(0)).engine
    finally:
        technique.make_strategy = made


def test_restarts_are_shorter_while_exploring_is_worth_more_and_errors_are_common() -> None:
    """Fresh restarts when exploring is worth more: shorter sentences than the same round
    drawn as before (errors common, shrinking costs)."""
    from assay.text.generate import tree_words

    words: dict[float, float] = {}
    for shorter in (0.0, 4.0):
        engine = _engine(shorter)
        walk = engine.strategy
        walk.fresh = [1000, 460]
        walk.shrinking = [900.0, 600.0]
        walk.worth[:] = [[1000.0, 650.0, 300.0], [1000.0, 700.0, 60.0]]  # explore
        assert walk._best_mode() == 0
        out = walk.propose(engine, 256)
        assert len(out) >= walk.n_walkers // 2
        words[shorter] = float(np.mean([len([x for x in tree_words(c.tree) if x]) for c in out]))
    assert words[4.0] < 0.8 * words[0.0], words
