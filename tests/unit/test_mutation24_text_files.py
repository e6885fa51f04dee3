"""The user's small text files (grammar, label map, labels, schema) in the encodings editors
write, and where the error points when a byte does not decode (mutation24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.textfile import decode_text
from assay.errors import UsageError
from assay.fairness.schema_files import load_schema
from assay.text.grammar import load_grammar

_GRAMMAR = 'S -> "the" N\nN -> "café" | "food"\n'


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_grammar_saved_as_utf16_either_way_round_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes("\ufeff".encode(encoding) + _GRAMMAR.encode(encoding))
    grammar = load_grammar(path)
    assert grammar.names[:2] == ["S", "N"] and "café" in str(grammar.productions), grammar


def _error(raw: bytes) -> UsageError:
    with pytest.raises(UsageError) as exc:
        decode_text(raw, what="the grammar file", path="g.txt", argument="--grammar")
    return exc.value


def test_a_bad_byte_on_the_first_line_after_a_byte_order_mark_is_at_its_own_column() -> None:
    err = _error(b"\xef\xbb\xbfab\xffc\n")
    assert (err.line, err.column) == (1, 3), str(err)


def test_the_column_counts_characters_not_bytes() -> None:
    err = _error('S -> "café" '.encode() + b"\xff")
    # S, space, -, >, space, quote, c, a, f, é, quote, space: the bad byte is the 13th
    assert (err.line, err.column) == (1, 13), str(err)


def test_a_character_cut_at_the_end_of_the_file_names_its_bytes() -> None:
    err = _error(b'S -> "a"\nN -> "\xe2\x82')
    assert "0xe2 0x82 do not decode" in str(err) and (err.line, err.column) == (2, 7), str(err)


def test_a_utf16_file_that_does_not_decode_says_utf16() -> None:
    err = _error("ab\nc".encode("utf-16") + b"\x00\xd8")
    assert "is not UTF-16 text" in str(err), str(err)


def test_the_error_names_the_option_that_gave_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes(_GRAMMAR.encode("latin-1"))
    with pytest.raises(UsageError) as exc:
        load_grammar(path)
    assert str(exc.value).startswith(f"argument --grammar; {path}:2:"), str(exc.value)


def test_a_schema_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = "features:\n  - {name: café, kind: integer, low: 0, high: 1}\nprotected: [café]\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert list(load_schema(path).names) == ["café"]
