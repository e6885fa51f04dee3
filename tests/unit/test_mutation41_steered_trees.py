"""mutation41: the steered sampler's table (cpu40: per (symbol, depth left), its choices and
their cumulative sums, made once per bias array) is exact: a bias of ones draws, from the same
numbers, the very trees the unsteered sampler draws, and every tree keeps within its depth.

cpu40 checked this by digests of whole runs (``bench/text_cpu.py --digest``); no test of the
suite did.  Under a table stored without its depth left (a symbol's choices at depth 0 read
from a deeper one's: trees past the depth bound), a single choice that draws a number (every
later choice of the run shifted), or the last choice never drawn, every text test passed."""

from __future__ import annotations

import numpy as np

from assay.text.generate import Draws, Sampler, Tree
from assay.text.grammar import load_grammar, parse_grammar

# recursive, weighted, with symbols of one choice: the choices that fit depend on the depth
_GRAMMAR = """
S -> NP VP [0.6] | S 'and' S [0.3] | 'well' ',' S [0.1]
NP -> 'the' N [0.5] | 'the' A N [0.3] | NP 'of' NP [0.2]
A -> 'big' [0.25] | 'small' [0.25] | 'very' A [0.5]
N -> 'cat' [0.4] | 'dog' [0.35] | 'idea' [0.25]
VP -> V | V 'often'
V -> 'sleeps'
"""


def _depth(tree: Tree) -> int:
    _, items = tree
    return 1 + max((_depth(it) for it in items if not isinstance(it, str)), default=0)


def test_a_bias_of_ones_draws_the_unsteered_trees_from_the_same_numbers() -> None:
    for g in (parse_grammar(_GRAMMAR, source="g.cfg"), load_grammar("builtin:reviews")):
        for depth in (g.height[g.start], g.height[g.start] + 2, 12):
            sampler = Sampler(g, max_depth=depth)
            ones = np.ones(len(g.productions))
            plain, steered = Draws(np.random.default_rng(5)), Draws(np.random.default_rng(5))
            for _ in range(400):
                a = sampler.sentence_tree(plain)
                b = sampler.sentence_tree(steered, ones)
                assert a == b
                assert _depth(b) <= depth


def test_a_steered_tree_keeps_within_its_depth_and_follows_its_bias() -> None:
    g = parse_grammar(_GRAMMAR, source="g.cfg")
    sampler = Sampler(g, max_depth=6)
    bias = np.ones(len(g.productions))
    cat = next(p for p, (_, items) in enumerate(g.productions) if items == ("cat",))
    bias[cat] = 50.0  # ('cat' nearly always, where an N is drawn)
    draws = Draws(np.random.default_rng(7))
    nouns = {"cat": 0, "dog": 0, "idea": 0}
    for _ in range(300):
        tree = sampler.sentence_tree(draws, bias)
        assert _depth(tree) <= 6

        def count(t: Tree) -> None:
            for it in t[1]:
                if isinstance(it, str):
                    if it in nouns:
                        nouns[it] += 1
                else:
                    count(it)

        count(tree)
    assert nouns["cat"] > 10 * (nouns["dog"] + nouns["idea"])
