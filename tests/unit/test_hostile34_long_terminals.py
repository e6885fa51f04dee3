"""A grammar terminal is bounded (hostile34: a 50 MB terminal took 5.5 GB and ended in a
MemoryError, exit 5, after a 50 MB store was written)."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import LONGEST_TERMINAL, parse_grammar


def _grammar(word: str) -> str:
    return f'S -> ADJ "{word}" | ADJ "ok"\nADJ -> "good" | "bad"\n'


def test_a_terminal_longer_than_the_bound_is_refused_at_its_place() -> None:
    with pytest.raises(UsageError) as caught:
        parse_grammar(_grammar("x" * (LONGEST_TERMINAL + 1)), source="g.cfg")
    err = caught.value
    assert (err.line, err.column) == (1, 10)
    assert f"{LONGEST_TERMINAL + 1:,} characters" in str(err)
    assert len(str(err)) < 500  # the terminal itself is not quoted whole


def test_an_escaped_terminal_is_bounded_alike() -> None:
    with pytest.raises(UsageError, match="a terminal of"):
        parse_grammar(_grammar('\\"' + "y" * LONGEST_TERMINAL), source="g.cfg")


def test_a_terminal_at_the_bound_is_read() -> None:
    g = parse_grammar(_grammar("z" * LONGEST_TERMINAL), source="g.cfg")
    assert g is not None
