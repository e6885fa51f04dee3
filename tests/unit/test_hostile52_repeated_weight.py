"""An alternative written twice with another weight (a rule defined twice, its second
`N -> "food" [5]` beside the first's `"food" [3]`) is one alternative: its second weight was
dropped without a word (hostile52; NLTK lists both productions).  Loading now warns, naming
both lines and the weight kept; alternatives repeated with the same weight say nothing."""

from __future__ import annotations

from assay.text.grammar import parse_grammar


def test_a_repeated_alternative_with_another_weight_is_said() -> None:
    g = parse_grammar(
        'S -> "the" N\nN -> "food" [3] | "bear"\nN -> "dog" | "food" [5]\n', source="g.cfg"
    )
    assert g.weights == [1.0, 3.0, 1.0, 1.0]  # (as before: the first one's weight)
    (said,) = [w for w in g.warnings if "food" in w]
    assert said.startswith("g.cfg:3: ") and "line 2" in said, said
    assert "[5]" in said and "3" in said and "not added" in said, said


def test_an_alternative_repeated_alike_says_nothing() -> None:
    g = parse_grammar('S -> "the" N\nN -> "food" | "bear"\nN -> "food"\n', source="g.cfg")
    assert g.warnings == []


def test_a_repeat_weighted_where_the_first_was_not_names_the_first_line() -> None:
    g = parse_grammar('S -> "the" N\nN -> "food" | "bear"\n\nN -> "food" [4]\n', source="g.cfg")
    (said,) = g.warnings
    assert said.startswith("g.cfg:4: ") and "line 2's" in said and "[4]" in said, said
    assert g.weights == [1.0, 1.0, 1.0]
