"""left33: a grammar file's syntax errors name the argument, as its encoding errors do
(text32's Left: ``nul.cfg:2:20: expected a symbol name`` lacked ``argument --grammar;``,
which ``bin.cfg:1:4: ... not UTF-8 text`` had)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.text.grammar import load_grammar, parse_grammar


def test_a_syntax_error_in_a_grammar_file_names_the_argument(tmp_path: Path) -> None:
    bad = tmp_path / "nul.cfg"
    bad.write_bytes(b'S -> "the" N "is" A\nN -> "food" | "tea"\x00\x01\nA -> "good" | "bad"\n')
    with pytest.raises(UsageError) as got:
        load_grammar(str(bad))
    said = str(got.value)
    assert said.startswith(f"argument --grammar; {bad}:2:20: expected a symbol name"), said
    assert (got.value.argument, got.value.line, got.value.column) == ("--grammar", 2, 20)


def test_an_encoding_error_is_named_the_same_way(tmp_path: Path) -> None:
    bad = tmp_path / "bin.cfg"
    bad.write_bytes(b'S -> "\xaa"\n')
    with pytest.raises(UsageError) as got:
        load_grammar(str(bad))
    assert str(got.value).startswith(f"argument --grammar; {bad}:1:"), str(got.value)


def test_a_grammar_given_as_text_is_still_named_by_its_source() -> None:
    with pytest.raises(UsageError) as got:
        parse_grammar('S -> "a" \x00\n', source="<grammar>")
    assert str(got.value).startswith("<grammar>:1:"), str(got.value)
