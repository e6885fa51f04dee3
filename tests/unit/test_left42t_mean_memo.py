"""The sentence-length mean (``text.sizes``) is memoised per symbol and depth: without its
memo (mutation42's SZ7 mutant, the memo never filled) the same figures come out, but a
grammar that recurses twice per level asks ``2 ** depth`` means: seconds at depth 24, hours
beyond.  Counted here, not timed: the calls are bounded by the symbols times the levels (a
counting wrapper stops the mutant's run after a few thousand calls instead of letting it
run for the exponent)."""

from __future__ import annotations

from typing import Any

import pytest

from assay.text import sizes
from assay.text.grammar import parse_grammar

DOUBLING = 'S -> C "."\nC -> C "and" C [50] | "the food was" Q [1]\nQ -> "good" | "bad"\n'
MUTUAL = 'S -> A\nA -> B B | "a"\nB -> A A A | "b"\n'
STOP = 5_000  # calls: far above the memoised count, far below the unmemoised one


class Stop(Exception):
    pass


@pytest.mark.parametrize(("grammar", "depth"), [(DOUBLING, 24), (MUTUAL, 40)])
def test_each_symbol_and_depth_is_worked_out_once(
    grammar: str, depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = parse_grammar(grammar, source="g.cfg")
    calls: dict[tuple[int, int], int] = {}
    real = sizes._Means.mean

    def counted(self: Any, s: int, levels: int) -> float:
        calls[s, levels] = calls.get((s, levels), 0) + 1
        if sum(calls.values()) > STOP:
            raise Stop
        return real(self, s, levels)

    monkeypatch.setattr(sizes._Means, "mean", counted)
    try:
        mean = sizes.mean_words(g, depth)
    except Stop:
        pytest.fail(f"over {STOP:,} means asked: the memo is not used ({len(calls)} distinct)")
    assert mean > 1
    # each (symbol, levels) is asked once per occurrence in a production one level up at
    # most, and computed once: the calls stay within symbols x levels x items per production
    most_items = max(len(items) for _, items in g.productions)
    assert sum(calls.values()) <= len(g.names) * (depth + 1) * most_items, calls
