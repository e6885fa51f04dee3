"""A grammar, label map, labels file or schema saved in another encoding than UTF-8: the error
names the file's line and column of the first byte that does not decode, and what to do;
it said "'utf-8' codec can't decode byte 0xe9 in position 29" (a byte offset, no line)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assay.backdoor.label_files import read_label_file
from assay.core.textfile import decode_text
from assay.errors import UsageError
from assay.fairness.schema_files import load_schema
from assay.text.grammar import load_grammar
from assay.text.panel import load_label_map

# the bad byte (é in Latin-1) is on line 2 of each file, at the column given
_FILES: dict[str, tuple[str, Callable[[Path], object], int]] = {
    "grammar": ('S -> "the" N\nN -> "caf\xe9" | "food"\n', load_grammar, 10),
    "label map": ("# map\n1 positive caf\xe9 -> pos\n", lambda p: load_label_map(p, [], []), 15),
    "labels": ("a.png,1\nb.png,caf\xe9\n", lambda p: read_label_file(p, ["a.png", "b.png"]), 10),
    "schema": ("features:\n  - {name: caf\xe9, kind: integer, low: 0, high: 1}\n", load_schema, 15),
}


@pytest.mark.parametrize("kind", sorted(_FILES))
def test_a_file_in_latin1_is_refused_at_its_line_and_column(tmp_path: Path, kind: str) -> None:
    text, read, column = _FILES[kind]
    path = tmp_path / "f.txt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(UsageError) as exc:
        read(path)
    err = exc.value
    where = (err.line, err.column)
    assert where == (2, column) and "0xe9" in str(err) and "save it as UTF-8" in str(err), str(err)
    assert "position" not in str(err)


def test_utf16_and_byte_order_marks_are_read_and_their_errors_placed() -> None:
    assert decode_text("a\nb".encode("utf-16"), what="x", path="p") == "a\nb"
    assert decode_text(b"\xef\xbb\xbfa\nb", what="x", path="p") == "a\nb"
    with pytest.raises(UsageError) as exc:
        decode_text(b"\xef\xbb\xbfab\ncd\xff", what="x", path="p")
    assert (exc.value.line, exc.value.column) == (2, 3), str(exc.value)
    bad = "ab\nc".encode("utf-16") + b"\x00\xd8"  # a lone surrogate's first half at the end
    with pytest.raises(UsageError) as exc:
        decode_text(bad, what="x", path="p")
    assert (exc.value.line, exc.value.column) == (2, 2), str(exc.value)
