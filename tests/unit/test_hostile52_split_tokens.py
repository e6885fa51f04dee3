"""A grammar written in a treebank's tokens (``"'s"``, ``"n't"``, ``"("``) is sent as
"food 's price", "does n't", "( food )": loading now says so, naming the first one's line and
column and how to send "food's" (hostile52: an NLTK-style grammar's sentences reached a
classifier of untokenized text with "n't" a word of its own, unsaid).  Nothing is changed."""

from __future__ import annotations

from assay.text.generate import detok
from assay.text.grammar import parse_grammar

GRAMMAR = """S -> N "'s" "price" "does" "n't" "seem" A | "(" N ")" "was" A
N -> "food" | "pasta"
A -> "good" | "bad"
"""


def test_treebank_tokens_are_said_with_how_they_are_sent() -> None:
    g = parse_grammar(GRAMMAR, source="g.cfg")
    (said,) = g.warnings
    assert said.startswith("g.cfg:1:8: "), said
    assert '"\'s", "n\'t", "(", ...' in said and "within one terminal" in said, said
    assert detok("food 's price does n't seem good") == "food 's price does n't seem good"


def test_words_that_only_look_alike_say_nothing() -> None:
    g = parse_grammar(
        'S -> "the" N "was" A "!" | "nothing" "(really)" A "it\'s" ":)"\n'
        'N -> "food" | "nuts" | "n"\nA -> "good" | "\'okay\'"\n',
        source="g.cfg",
    )
    assert g.warnings == []
