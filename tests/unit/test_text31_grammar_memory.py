"""A 13 MB grammar (one ``%invariant`` class of 900,000 nouns) took 1.05 GB of memory for a
2,000-query run.  Per alternative of such a class, with tracemalloc (bytes allocated, not
time): parsing peaked at 664 B (every alternative held as parsed items before any was
compiled) and kept 339 B (an int object per production in each symbol's list, the class's
tuple and the word places); the oracle kept 139 B (a dict of production -> relations); and
every invariance case made a list of all the class's other members (8 B) to draw 64 of
them.  The parse now compiles each alternative as it reads it, a symbol's productions that
follow on are a ``range``, a whole-rule class is a ``range``, the oracle keeps relations per
symbol, and a case draws its members' places without listing them."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.core.rng import generator
from assay.text.generate import Draws, Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Oracle
from assay.text.panel import build_layout

N = 50_000
TEXT = (
    'S -> "the" N "is" A\nN -> '
    + " | ".join(f'"noun{i}"' for i in range(N))
    + '\nA -> "good" | "bad"\n%invariant N\n'
)


class Fixed:
    capabilities = Capabilities(
        modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
    )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), 2), 0.5)


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    yield None
    tracemalloc.stop()


def _since(before: int) -> tuple[float, float]:
    """Bytes kept and peak since ``before``, per alternative of the class."""
    cur, peak = tracemalloc.get_traced_memory()
    return (cur - before) / N, (peak - before) / N


def test_a_large_class_is_held_once(traced: None) -> None:
    del traced
    g = parse_grammar(TEXT)
    kept, peak = _since(0)
    assert peak < 400, peak  # (664 before)
    assert kept < 300, kept  # (339 before)
    n = g.names.index("N")
    assert len(g.alternatives[n]) == N and len(g.invariants[0].alternatives) == N
    layout = build_layout([Fixed()], ["m0"], differential=False)  # type: ignore[list-item]
    sampler = Sampler(g)
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    oracle = Oracle("invariance", g, layout, sampler)
    kept, _ = _since(before)
    assert kept < 20, kept  # (139 before)
    draws = Draws(generator(1, 2))
    tree = sampler.sentence_tree(draws)
    case = oracle.case(tree, draws)
    assert case is not None
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    variants = oracle.variants(case)
    _, peak = _since(before)
    assert len(variants) == 65  # the case's own sentence and 64 other members
    assert peak < 2, peak  # (8 before: a list of the class's 49,999 others)
