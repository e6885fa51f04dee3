"""A grammar's unknown symbol got no "did you mean" (``%invariant subjj``, ``s -> ajd``), and
a differential run of one classifier told a Python caller ``oracle="invariance" or
directional``, the second value bare (hostile53's Left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_hostile53_grammar_chars import refused  # isort: skip

RULES = 's -> subj "ist" adj\nadj -> "gut" | "schlecht"\nsubj -> "das Essen" | "der Kellner"\n'


@pytest.mark.parametrize(
    ("grammar", "near"),
    [
        (RULES + "%invariant subjj\n", "subj"),
        (RULES.replace('"ist" adj', '"ist" ajd') + "%invariant subj\n", "adj"),
    ],
)
def test_an_unknown_symbol_names_the_one_it_is_near(
    grammar: str, near: str, tmp_path: Path
) -> None:
    message = refused(grammar, tmp_path)
    assert f"did you mean {near!r}?" in message, message


def test_a_symbol_near_none_gets_no_guess(tmp_path: Path) -> None:
    message = refused(RULES + "%invariant zzzzzz\n", tmp_path)
    assert "unknown symbol 'zzzzzz'" in message and "did you mean" not in message, message


def test_one_classifier_in_a_differential_run_is_told_both_keywords(tmp_path: Path) -> None:
    message = refused(RULES + "%invariant subj\n", tmp_path, oracle="differential")
    assert 'oracle="invariance" or oracle="directional"' in message, message
