"""A grammar's load warnings and refusals of hostile52 at their edges: a treebank's tokens
(``text.split_tokens``: the column, one token written twice, three tokens named whole, "'re"),
an alternative repeated with its own weight or another (the weight kept), and a test declared
twice (``text.repeated_tests``: refused at the second line, a test of another kind or of
another tolerance not) (mutation52b: the T, W and R mutants surviving main's tests)."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar
from assay.text.repeated_tests import refuse_repeated


def _tokens_note(rules: str) -> str:
    (said,) = [w for w in parse_grammar(rules, source="g.cfg").warnings if "terminal" in w]
    return said


def test_the_note_points_at_the_first_tokens_quote() -> None:
    said = _tokens_note('S -> "the" N "\'s" "price"\nN -> "food"\n')
    assert said.startswith("g.cfg:1:14: "), said  # (the column of its opening quote)


def test_one_token_written_twice_is_one_terminal_named_once() -> None:
    said = _tokens_note('S -> "the" N "\'s" N "\'s"\nN -> "food"\n')
    assert 'the terminal "\'s" is sent' in said and "reads it so" in said, said
    assert said.count('"\'s"') == 1, said


def test_three_tokens_are_named_whole_and_a_fourth_is_not() -> None:
    three = _tokens_note('S -> "(" N ")" "\'s"\nN -> "food"\n')
    assert 'the terminals "(", ")", "\'s" are sent' in three and ", ..." not in three, three
    four = _tokens_note('S -> "(" N ")" "\'s" "n\'t"\nN -> "food"\n')
    assert '"(", ")", "\'s", ... are sent' in four, four


def test_every_clitic_is_a_token() -> None:
    for clitic in ("'re", "'ve", "'ll", "'d", "'m", "'s", "n't"):
        said = _tokens_note(f'S -> "they" "{clitic}" N\nN -> "here"\n')
        assert f'the terminal "{clitic}" is sent' in said, said


def test_an_alternative_repeated_with_its_own_weight_says_nothing() -> None:
    g = parse_grammar('S -> "the" N\nN -> "food" [3] | "bear"\nN -> "food" [3]\n', source="g.cfg")
    assert g.warnings == []
    assert g.weights == [1.0, 3.0, 1.0]


def test_the_weight_kept_is_the_first_ones() -> None:
    g = parse_grammar('S -> "the" N\nN -> "food" [3] | "bear"\nN -> "food" [5]\n', source="g.cfg")
    (said,) = g.warnings
    assert "they are one alternative of weight 3 " in said, said


RULES = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service"
neg -> "" | "not"
A -> "good" | "great" | "bad"
"""


def _refused(tests: str, oracle: str) -> UsageError | None:
    g = parse_grammar(RULES + tests, source="g.cfg")
    try:
        refuse_repeated(g, oracle)
    except UsageError as exc:
        return exc
    return None


def test_a_test_declared_twice_is_refused_at_its_second_line() -> None:
    got = _refused("%invariant N\n\n%invariant N\n", "invariance")
    assert got is not None and got.line == 7, got
    assert "line 5's test declared twice" in str(got), got


def test_a_class_listed_in_another_order_is_the_same_test() -> None:
    got = _refused('%invariant N: "food" | "pasta"\n%invariant N: "pasta" | "food"\n', "invariance")
    assert got is not None and got.line == 6, got


def test_each_oracle_refuses_only_the_tests_it_judges() -> None:
    twice = '%directional neg: "" -> "not" flip\n%directional neg: "" -> "not" flip\n'
    assert _refused(twice, "invariance") is None
    assert _refused(twice, "directional") is not None
    expect = '%expect A: "bad" -> neg\n%expect A: "bad" -> neg\n'
    assert _refused(expect, "suite") is not None
    assert _refused(expect, "invariance") is None


def test_directional_tests_of_other_tolerances_and_expects_of_not_are_other_tests() -> None:
    assert (
        _refused(
            '%directional neg: "" -> "not" down pos\n%directional neg: "" -> "not" down pos 0.1\n',
            "directional",
        )
        is None
    )
    assert _refused('%expect A: "bad" -> neg\n%expect A: "bad" -> not neg\n', "expect") is None


@pytest.mark.parametrize("oracle", ["suite", "expect"])
def test_an_expectation_declared_twice_is_refused_in_a_suite_and_alone(oracle: str) -> None:
    assert _refused('%expect A: "bad" -> not pos\n%expect A: "bad" -> not pos\n', oracle)
