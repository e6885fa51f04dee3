"""Derivations as flat lists (``assay.text.flat``): what they give equals the tree walks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.text.flat import flatten, replaced, subtree_draft, text, words_of
from assay.text.generate import (
    Draws,
    Sampler,
    replace_at,
    subtree_at,
    tree_productions,
    tree_text,
    tree_words,
)
from assay.text.grammar import load_grammar, parse_grammar
from assay.text.oracle import Case

# empty terminals, a phrase as one terminal, punctuation, a nested structure
_ODD = """
s -> np vp end | np "," vp end | "" np vp
np -> det adj n | "the" n | n
vp -> "is" adj | "is" "not" adj | "was" "not so" adj | v np
det -> "a" | "" | "the"
adj -> "good" | "bad" | "" | "very good"
n -> "film" | "plot" | "soup"
v -> "likes" | "hates"
end -> "." | "!" | ""
"""


def _grammars() -> list[Any]:
    return [
        load_grammar("builtin:reviews"),
        load_grammar("builtin:topics"),
        parse_grammar(_ODD, source="odd"),
    ]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_flat_derivation_holds_what_the_tree_walks_give(which: int) -> None:
    """Preorder productions, the rendered sentence, and per node: its subtree's range of
    productions and of words, its depth and path (a planted off-by-one in any fails)."""
    g = _grammars()[which]
    sampler, draws = Sampler(g), Draws(np.random.default_rng(which))
    for _ in range(200):
        tree = sampler.sentence_tree(draws)
        flat = flatten(tree)
        assert flat.prods == tree_productions(tree)
        assert text(flat) == tree_text(tree)
        assert list(flat.words) == [w for w in tree_words(tree) if w]
        for i, path in enumerate(flat.paths):
            sub = subtree_at(tree, path)
            assert flat.prods[i] == sub[0]
            assert flat.prods[i : flat.end[i]] == tree_productions(sub)
            assert list(flat.words[flat.first[i] : flat.last[i]]) == [
                w for w in tree_words(sub) if w
            ]
            assert flat.depth[i] == len(path)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_an_edit_of_the_flat_lists_equals_the_edit_of_the_tree(which: int) -> None:
    """A subtree re-derived, or a word choice swapped, as slices of the flat lists: the
    same productions and the same sentence as the edited tree's."""
    g = _grammars()[which]
    sampler, draws = Sampler(g), Draws(np.random.default_rng(10 + which))
    rng = np.random.default_rng(which)
    swaps = 0
    for _ in range(300):
        tree = sampler.sentence_tree(draws)
        flat = flatten(tree)
        i = int(rng.integers(len(flat.prods)))
        path, p = flat.paths[i], flat.prods[i]
        s = g.productions[p][0]
        if g.lexical[p] and len(g.alternatives[s]) > 1:  # a word swap
            q = [x for x in g.alternatives[s] if x != p][
                int(rng.integers(len(g.alternatives[s]) - 1))
            ]
            items = g.productions[q][1]
            if all(isinstance(it, str) for it in items):
                new: Any = (q, items)
                draft = replaced(flat, i, [q], words_of(items))
                swaps += 1
            else:
                new = sampler.alternative_tree(q, sampler.max_depth - flat.depth[i], draws)
                sub = subtree_draft(new)
                draft = replaced(flat, i, sub.prods, sub.words)
        else:  # a re-derivation
            new = sampler.tree(s, sampler.max_depth - flat.depth[i], draws)
            sub = subtree_draft(new)
            draft = replaced(flat, i, sub.prods, sub.words)
        edited = replace_at(tree, path, new)
        assert draft.prods == tree_productions(edited)
        assert text(draft) == tree_text(edited)
    assert swaps > 20


def test_the_walks_drafts_carry_the_lists_of_their_trees() -> None:
    """Every case the default walk drafts (swaps and re-derivations) carries a draft whose
    productions and sentence are its tree's, and the statistics read from it equal those
    read from the tree."""
    from assay.text.engine import _stats_of
    from assay.text.moves import swap_word_at
    from assay.text.walk import WalkStrategy

    engine = _walk_engine()
    walk = WalkStrategy(screen=3)
    terms = engine.vocab
    bias = np.ones(engine.g.n_productions)
    seen = {"swap": 0, "restructure": 0}
    for seed in range(60):
        draws = Draws(np.random.default_rng(seed))
        engine.draws = draws
        case = Case(engine.sampler.sentence_tree(draws))
        for kind in seen:
            if kind == "swap":
                cand, _ = swap_word_at(engine, case, bias, memo={})
            else:
                cand, _ = walk._restructure(engine, case, bias, memo={})
            if cand is None:
                continue
            seen[kind] += 1
            assert cand.draft is not None
            assert cand.draft.prods == tree_productions(cand.tree)
            assert cand.draft.ids == engine.vocab.of(cand.draft.words)
            assert engine.texts(cand) == [tree_text(cand.tree)]
            plain = Case(cand.tree)
            assert plain == cand  # the draft is not part of the case's value
            assert _stats_of(cand, terms)[0] == _stats_of(plain, terms)[0]
            assert sorted(_stats_of(cand, terms)[1]) == sorted(_stats_of(plain, terms)[1])
            rows, cols = walk._features([cand, plain], engine.g.n_productions)
            assert sorted(cols[rows == 0].tolist()) == sorted(cols[rows == 1].tolist())
    assert min(seen.values()) > 20


def _walk_engine() -> Any:
    from pathlib import Path

    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text

    fakes = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
    setup = setup_text([f"{fakes}:lexicon", f"{fakes}:negation_blind"], grammar="builtin:reviews")
    model = BudgetedModel(setup.model, max_queries=10_000)
    return setup.test.search(model, np.random.default_rng(0)).engine
