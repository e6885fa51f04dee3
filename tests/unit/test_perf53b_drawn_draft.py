"""perf53b: a re-derivation's productions and words as drawn (``Sampler.tree_drafted``) are
``flat.subtree_draft``'s of the tree ``Sampler.tree`` draws from the same draws (which it
leaves in the same state), and the case ``moves.subtree_case`` makes from them is the one
it made from the walk (``bench/text_drawn_draft.py`` checks every draw of whole runs)."""

from __future__ import annotations

import numpy as np
from test_perf51c_ids import _engine

from assay.text.flat import subtree_draft
from assay.text.generate import Draws
from assay.text.moves import subtree_case
from assay.text.oracle import Case
from assay.text.walk import _movable


def _state(draws: Draws) -> tuple[list[float], object]:
    return list(draws._left), draws.rng.bit_generator.state


def test_drawn_drafts_are_the_walked_ones_from_the_same_draws() -> None:
    engine = _engine(seed=7)
    g, sampler = engine.g, engine.sampler
    rng = np.random.default_rng(3)
    lexical = nested = 0
    for seed in range(200):
        bias = np.exp(rng.normal(0.0, 1.0, g.n_productions))
        symbol = g.productions[int(rng.integers(g.n_productions))][0]
        budget = int(rng.integers(1, sampler.max_depth + 1))
        if not sampler.choices(symbol, budget)[0]:
            continue  # (no derivation that shallow)
        one, two = Draws(np.random.default_rng(seed)), Draws(np.random.default_rng(seed))
        tree = sampler.tree(symbol, budget, one, bias)
        got, prods, words = sampler.tree_drafted(symbol, budget, two, bias)
        sub = subtree_draft(tree)
        assert got == tree
        assert prods == sub.prods and tuple(words) == sub.words
        assert _state(one) == _state(two)
        if len(prods) == 1:
            lexical += 1
        else:
            nested += 1
    assert lexical and nested > 20


def test_a_case_from_drawn_words_is_the_case_from_the_walk() -> None:
    engine = _engine(seed=5)
    for _ in range(2):
        engine.step()
    draws = Draws(np.random.default_rng(11))
    bias = np.ones(engine.g.n_productions)
    made = 0
    for _ in range(200):
        case = Case(engine.sampler.sentence_tree(draws))
        spots = _movable(engine, case)
        if not spots:
            continue
        path, p, depth, at = spots[draws.below(len(spots))]
        s = engine.g.productions[p][0]
        new, prods, words = engine.sampler.tree_drafted(s, 24 - depth, draws, bias)
        drawn = subtree_case(engine, case, {}, path, at, new, (prods, words))
        walked = subtree_case(engine, case, {}, path, at, new)
        assert drawn == walked
        if drawn is not None:
            made += 1
            assert drawn.draft is not None and walked is not None
            assert walked.draft is not None
            assert drawn.draft.prods == walked.draft.prods
            assert drawn.draft.words == walked.draft.words
            assert drawn.draft.ids == walked.draft.ids
    assert made > 50
