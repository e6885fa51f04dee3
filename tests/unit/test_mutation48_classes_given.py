"""``--classes @FILE`` and a typed JSON list read name by name (mutation48): a byte-order
mark, spaces around a name, the line of a byte that is not UTF-8, the rerun's pinned names,
a float option written as typed.  left47t's tests read whole runs with plain files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli.argv import _number
from assay.cli.classes_given import classes_given, classes_pinned
from assay.errors import UsageError

NAMES = ["Coke 330ml, can", "Fanta 500ml", "Sprite, 1l"]


def test_a_file_saved_with_a_byte_order_mark_reads_its_first_name(tmp_path: Path) -> None:
    path = tmp_path / "classes.txt"
    path.write_bytes("\ufeff".encode() + "\n".join(NAMES).encode())  # (Notepad's UTF-8)
    assert classes_given(f"@{path}") == NAMES
    listed = tmp_path / "classes.json"
    listed.write_bytes("\ufeff".encode() + json.dumps(NAMES).encode())
    assert classes_given(f"@{listed}") == NAMES


def test_names_are_read_without_the_spaces_around_them(tmp_path: Path) -> None:
    path = tmp_path / "classes.txt"
    path.write_text("  Coke 330ml, can \r\nFanta 500ml\t\n Sprite, 1l\n\n  \n", encoding="utf-8")
    assert classes_given(f"@{path}") == NAMES


def test_a_byte_not_utf8_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "classes.txt"
    path.write_bytes(b"Coke\nFanta\nCaf\xe9\n")  # (Latin-1)
    with pytest.raises(UsageError, match="is not UTF-8 text") as caught:
        classes_given(f"@{path}")
    assert caught.value.line == 3 and caught.value.argument == "--classes"


def test_a_typed_json_list_must_hold_strings_and_a_bad_one_names_no_line() -> None:
    assert classes_given(json.dumps(NAMES)) == NAMES
    assert classes_given("  " + json.dumps(NAMES)) == NAMES
    with pytest.raises(UsageError, match="JSON list of class names as strings"):
        classes_given('["Coke", 2]')
    with pytest.raises(UsageError, match="is not a JSON list") as caught:
        classes_given('["Coke", "Fanta"')
    assert caught.value.line is None and caught.value.path is None


def test_a_bad_json_file_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "classes.json"
    path.write_text('[\n  "Coke",\n  "Fanta"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="the file starts with") as caught:
        classes_given(f"@{path}")
    assert caught.value.line == 4 and caught.value.column == 1


def test_only_names_read_from_a_file_are_pinned_for_the_rerun(tmp_path: Path) -> None:
    path = tmp_path / "classes.txt"
    path.write_text("\n".join(NAMES), encoding="utf-8")
    given = f"@{path}"
    pinned = classes_pinned(given, classes_given(given))
    assert pinned == {"classes": json.dumps(NAMES, ensure_ascii=False)}
    assert json.loads(pinned["classes"]) == NAMES  # (commas inside names kept)
    typed = json.dumps(NAMES)
    assert classes_pinned(typed, classes_given(typed)) == {}  # (rerun as typed)
    assert classes_pinned("no,yes", "no,yes") == {} and classes_pinned(None, None) == {}
    accents = tmp_path / "accents.txt"
    accents.write_text("Café\nThé\n", encoding="utf-8")
    assert classes_pinned(f"@{accents}", ["Café", "Thé"]) == {"classes": '["Café", "Thé"]'}


@pytest.mark.parametrize(
    ("value", "typed"), [(650.0, "650"), (0.1, "0.1"), (1e-07, "1e-07"), (1500000.5, "1500000.5")]
)
def test_a_float_option_is_written_as_it_is_typed(value: float, typed: str) -> None:
    assert _number(value) == typed and float(typed) == value
