"""A grammar pasted into a notebook with a character that looks like another: refused at
its line and column, now naming the character and what to write (hostile53: "expected a
symbol name, found '“das Essen'", "expected '->' after 'subj'" of `subj\u00a0->`, the
character invisible).  And a grammar given as text declaring no invariance class was "the
grammar the grammar text declares ..."."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay

RULES = 's -> subj "ist" adj\nadj -> "gut" | "schlecht"\n'


def labels(batch: list[str]) -> list[str]:
    return ["neg" if "schlecht" in t else "pos" for t in batch]


def refused(grammar: str, tmp_path: Path, oracle: str = "invariance") -> str:
    with pytest.raises(assay.UsageError) as caught:
        assay.check_text(
            [labels], oracle=oracle, grammar=grammar, max_queries=100, store=tmp_path / "r.db"
        )
    return str(caught.value)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('subj -> “das Essen” | "der Kellner"', "U+201C LEFT DOUBLE QUOTATION MARK"),
        ('subj\u00a0-> "das Essen"', "U+00A0 NO-BREAK SPACE, which looks like a space"),
        ('subj -> "das Essen"\u200b', "U+200B ZERO WIDTH SPACE, invisible: delete it"),
    ],
)
def test_a_lookalike_character_is_named(line: str, said: str, tmp_path: Path) -> None:
    message = refused(RULES + line + "\n%invariant adj\n", tmp_path)
    assert said in message, message
    assert "the grammar text:3:" in message, message


def test_a_grammar_text_is_named_once(tmp_path: Path) -> None:
    message = refused(RULES + 'subj -> "das Essen"\n', tmp_path)
    assert "the grammar text declares no invariance class" in message, message
    assert "the grammar the grammar" not in message
