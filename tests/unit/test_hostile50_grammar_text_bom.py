"""A grammar given as text that begins with a byte-order mark is read as the file it came
from is (hostile50: a notebook reading Notepad's grammar with ``open(f, encoding="utf-8")``
or ``Path.read_text()`` keeps the mark, and ``check_text(grammar=text)`` was refused "the
grammar text:1:1: expected a symbol name, found '\\ufeff%start re'"; the file's path worked)."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar

TEXT = '%start review\r\nreview -> "the" thing "was" "good"\r\nthing -> "food" | "soup"\r\n'


def test_a_grammar_texts_byte_order_mark_is_no_character_of_it() -> None:
    plain = parse_grammar(TEXT, source="the grammar text")
    marked = parse_grammar("\ufeff" + TEXT, source="the grammar text")
    assert marked.names == plain.names and marked.productions == plain.productions
    assert marked.names[marked.start] == "review"


def test_an_error_on_its_first_line_names_the_column_an_editor_shows() -> None:
    with pytest.raises(UsageError) as caught:
        parse_grammar('\ufeffreview -> "a" b\n', source="the grammar text")
    assert "the grammar text:1:15" in str(caught.value), str(caught.value)
    assert "\ufeff" not in str(caught.value)
