"""left43t: an infinite grammar's warning, and the refusal of exhaustive enumeration over it,
name the rules that go round (``NP -> PP -> NP``); both said "a symbol derives itself" and
left the user to find which, in a grammar of mutual recursion as much as of one rule."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar
from assay.text.strategies import make_strategy

NLTK = "S -> NP 'saw' NP\nNP -> 'a' N | 'a' N PP\nPP -> 'with' NP\nN -> 'man' | 'dog'\n"


def test_the_warning_names_the_cycle_and_its_line() -> None:
    g = parse_grammar('s -> a "x"\na -> "y" | b\nb -> "(" c ")"\nc -> a | "z"\n', source="m.cfg")
    assert any(
        w.startswith(
            "m.cfg:2: the language is infinite (a symbol derives itself: a -> b -> c -> a)"
        )
        for w in g.warnings
    ), g.warnings


def test_exhaustive_refusal_names_the_mutual_recursion() -> None:
    g = parse_grammar(NLTK, source="np.cfg")
    with pytest.raises(UsageError, match=r"derives itself, NP -> PP -> NP\)"):
        make_strategy("exhaustive", g, 40)
