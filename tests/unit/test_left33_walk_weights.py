"""left33: the walk's re-derivations under lopsided weights (text32's Left).

``"tea" [1e300]`` beside nouns of weight 1: every re-derivation of the noun (or of the
sentence) drew "tea", judged long ago, so the walk's re-derivations gave nothing new and
its walkers stood still (3,000 queries asked 1,500 distinct nouns of 3,000; 2,000 without
the weight).  Once weighted draws have stalled, a re-derivation whose weighted draw was
judged is drawn again with the weights set aside, as the fallback draws do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.text.api import setup_text
from assay.text.generate import Draws
from assay.text.oracle import Case

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
NOUNS = " | ".join(f'"w{i}"' for i in range(100))


def _engine(tmp_path: Path) -> Any:
    grammar = tmp_path / "skew.cfg"
    grammar.write_text(f'S -> "the" N\nN -> "tea" [1e300] | {NOUNS}\n')
    setup = setup_text(
        [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar=str(grammar), strategy="walk"
    )
    model = BudgetedModel(setup.model, max_queries=10_000)
    return setup.test.search(model, np.random.default_rng(0)).engine


def _redrawn(engine: Any, case: Case) -> list[Any]:
    walk, bias = engine.strategy, np.ones(len(engine.g.productions))
    out = []
    for seed in range(30):
        engine.draws = Draws(np.random.default_rng(seed))
        cand, _ = walk._restructure(engine, case, bias, memo={})
        out.append(cand)
    return out


def test_re_derivations_set_lopsided_weights_aside_once_draws_stalled(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    draws = Draws(np.random.default_rng(1))
    favoured = Case(engine.sampler.sentence_tree(draws))
    assert engine.texts(favoured)[0] == "the tea"  # (what the weights draw)
    engine.keys.add(engine.case_key(favoured))  # judged long ago
    other = Case(engine.uniform_sampler.sentence_tree(draws))
    assert engine.texts(other)[0] != "the tea"
    # before weighted draws stalled: a re-derivation is the weights' (judged: nothing new)
    assert all(c is None for c in _redrawn(engine, other))
    engine.stalled = True  # (``fresh_random``'s weighted draws gave nothing new)
    made = [c for c in _redrawn(engine, other) if c is not None]
    assert len(made) >= 20, len(made)
    said = {engine.texts(c)[0] for c in made}
    assert "the tea" not in said and len(said) >= 10, said
