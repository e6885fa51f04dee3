"""strat32: the default walk draws exactly as the walk without shorter exploring material
until it has measured how common errors are and what shrinking costs (a small budget's
first round is the same), and the round it first draws shorter restarts its walkers still
outside the error region from fresh draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.text.walk import WalkStrategy

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _engine(shorter: float, other: str, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> Any:
    """A search engine over the planted pair ``lexicon`` against ``other`` whose walk draws
    shorter exploring material (``shorter``: 0 never; ``settings``: the walk's others), not
    yet stepped."""
    from assay.core.budget import BudgetedModel
    from assay.text import technique
    from assay.text.api import setup_text

    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:{other}"], grammar="builtin:reviews")
    made = technique.make_strategy

    def make(*args: Any, **kwargs: Any) -> Any:
        made(*args, **kwargs)
        return WalkStrategy(screen=3, shorter=shorter, **settings)

    with monkeypatch.context() as m:
        m.setattr(technique, "make_strategy", make)
        model = BudgetedModel(setup.model, max_queries=10_000)
        return setup.test.search(model, np.random.default_rng(0)).engine


@pytest.mark.parametrize("other", ["flipped_words", "negation_blind"])
def test_the_first_round_and_its_shrinking_are_as_without_shorter_material(
    monkeypatch: pytest.MonkeyPatch, other: str
) -> None:
    """Nothing is measured before the first round: it and its shrinking are the same
    queries and minimal errors as the walk that never draws shorter (strat31's walk drew
    its first round short, and small budgets lost the disagreements they had found)."""
    got = {}
    for shorter in (0.0, 4.0):
        engine = _engine(shorter, other, monkeypatch)
        engine.step()
        got[shorter] = (sorted(engine.minimal), engine.model.queries, sorted(engine.asked))
        assert not engine.strategy.shortened
    assert got[0.0] == got[4.0]
    assert got[4.0][0]  # (the round found minimal errors)


def test_the_first_round_drawing_shorter_restarts_the_walkers_outside_the_error_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Errors common on this pair, shrinking costs: measured after the first round, the
    second draws shorter, and its walkers outside the error region (walking from first-round
    sentences, drawn as long as usual) restart from fresh draws; the walk without shorter
    material keeps them walking."""
    kept: dict[float, list[bool]] = {}
    for shorter in (0.0, 4.0):
        engine = _engine(shorter, "flipped_words", monkeypatch)
        engine.step()
        walk = engine.strategy
        outside = [w for w, c in enumerate(walk.walkers) if c is not None and not walk.errs[w]]
        assert outside
        if shorter:
            assert walk._explore_brevity() >= 2.0 * walk.brevity
        walk.propose(engine, 10_000)
        kept[shorter] = [walk.walkers[w] is not None for w in outside]
        fresh = {walk.owners[i] for i, k in enumerate(walk.kinds) if k == -1}
        if shorter:
            assert walk.shortened
            assert len(fresh & set(outside)) >= 0.9 * len(outside)
            # once: the next round restarts walkers by the usual rule only
            before = list(walk.walkers)
            walk.propose(engine, 10_000)
            lost = [b is not None and a is None for a, b in zip(walk.walkers, before, strict=True)]
            assert sum(lost) < len(outside) / 2
    assert all(kept[0.0]) and not any(kept[4.0])
