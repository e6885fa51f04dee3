"""Grammar files as a multilingual user saves them (hostile43t): UTF-16 without its byte-order
mark was read as UTF-8, NULs between the letters ("u16.cfg:1:2: expected '->' after 's'", or
"not UTF-8 text: byte(s) 0xf6" for a German one); a terminal of whitespace alone (an
ideographic space U+3000, a no-break space) derived nothing, and one ending in a no-break
space (French "\u00a0!") lost it, both silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.text.grammar import load_grammar, parse_grammar

GERMAN = 's -> "das Essen war" adj "."\nadj -> "schön" | "gut" | "süß"\n'


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_grammar_saved_as_utf16_without_its_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "g.cfg"
    path.write_bytes(GERMAN.replace("\n", "\r\n").encode(encoding))
    g = load_grammar(path)
    assert ("schön",) in [items for _, items in g.productions]


def test_a_terminal_of_whitespace_alone_is_warned_of_at_its_column() -> None:
    g = parse_grammar('s -> "the food was" sp "good"\nsp -> "\u3000" | "very"\n', source="g.cfg")
    said = [w for w in g.warnings if "only whitespace" in w]
    assert len(said) == 1, g.warnings
    assert said[0].startswith("g.cfg:2:7: ") and "U+3000 IDEOGRAPHIC SPACE" in said[0], said


def test_a_no_break_space_at_a_terminals_end_is_warned_of() -> None:
    g = parse_grammar('s -> "c\'est" q "\u00a0!"\nq -> "bon" | "mauvais"\n', source="g.cfg")
    said = [w for w in g.warnings if "NO-BREAK SPACE" in w]
    assert len(said) == 1 and said[0].startswith("g.cfg:1:16: "), g.warnings


def test_spaces_around_a_terminal_are_not_warned_of() -> None:
    g = parse_grammar('s -> "the " q " ."\nq -> "good" | "bad"\n', source="g.cfg")
    assert not [w for w in g.warnings if "whitespace" in w], g.warnings


def test_a_label_map_line_split_at_a_no_break_space_names_it() -> None:
    from assay.text.label_map_line import MapLineError, read_map_line

    with pytest.raises(MapLineError, match=r"U\+00A0 NO-BREAK SPACE.*double quotes"):
        read_map_line("1 très\u00a0bien -> pos")
    assert read_map_line('1 "très\u00a0bien" -> pos').own == "très\u00a0bien"
