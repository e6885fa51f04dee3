"""``--labels FILE`` (``backdoor.label_files``): the true labels of the images scanned, one per
line or name,label lines; every bad line refused naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.backdoor.label_files import read_label_file
from assay.errors import UsageError

NAMES = ["a.png", "b.png", "cat/c.png"]


def _read(tmp_path: Path, text: str, names: list[str] = NAMES) -> list[str]:
    (tmp_path / "labels.txt").write_text(text)
    return read_label_file(tmp_path / "labels.txt", names).values


@pytest.mark.parametrize(
    "text",
    [
        "3\n1\ncat\n",
        "3\n1\ncat",  # no newline at the end
        "\ufeff3\r\n1\r\ncat\r\n\r\n",  # a byte order mark, Windows line ends, a blank end
        "# true labels\n3\n1\ncat\n",
        "cat/c.png,cat\na.png,3\nb.png,1\n",  # by name, in any order
        "file,label\na.png, 3\nb.png,1\n./cat/c.png,cat\n",  # a header; spaces; ./
        "a.png\t3\nb.png\t1\ncat/c.png\tcat\n",
        "a.png,3\na.png,3\nb.png,1\ncat/c.png,cat\n",  # the same line twice
        '"a.png","3"\nb.png,1\n"cat/c.png",cat\n',  # quoted, as spreadsheets save them
    ],
)
def test_label_files_as_people_write_them(tmp_path: Path, text: str) -> None:
    assert _read(tmp_path, text) == ["3", "1", "cat"]


@pytest.mark.parametrize(
    ("text", "said", "line"),
    [
        ("3\n1\n", "2 labels for 3 images", None),
        ("3\n\n1\ncat\n", "a blank line among the labels", 2),
        ("a.png,3\nb.png,1\nd.png,2\n", "'d.png' is not one of the images scanned", 3),
        ("a.png,3\nb.png,1\n", "1 of the 3 images have no label, the first 'cat/c.png'", None),
        ("a.png,3\nb.png,1\ncat/c.png,cat\na.png,4\n", "labelled '3' on line 1 and '4'", 4),
        ("a.png,3,x\nb.png,1\ncat/c.png,cat\n", "'a.png,3' is not one of the images", 1),
        ("a.png,\nb.png,1\ncat/c.png,cat\n", "expected name,label", 1),
        ("", "holds no label", None),
    ],
)
def test_bad_lines_are_refused_naming_the_line(
    tmp_path: Path, text: str, said: str, line: int | None
) -> None:
    with pytest.raises(UsageError, match=said) as exc:
        _read(tmp_path, text)
    assert exc.value.argument == "--labels" and exc.value.line == line
    assert exc.value.path == str(tmp_path / "labels.txt")


def test_labels_name_the_models_classes_or_their_indices(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_text("dog\n1\ncat\n")
    got = read_label_file(tmp_path / "l.txt", NAMES)
    assert got.indices(("cat", "dog"), 2).tolist() == [1, 1, 0]
    with pytest.raises(UsageError, match="'dog' names no class") as exc:
        got.indices(None, 2)
    assert exc.value.line == 1
    (tmp_path / "l.txt").write_text("0\n1\n2\n")
    with pytest.raises(UsageError, match=r"'2' names no class.*0 to 1") as exc:
        read_label_file(tmp_path / "l.txt", NAMES).indices(None, 2)
    assert exc.value.line == 3


def test_an_unreadable_labels_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(UsageError, match="UTF-8"):
        read_label_file(tmp_path / "l.txt", NAMES)
    with pytest.raises(UsageError, match="no such file"):
        read_label_file(tmp_path / "missing.txt", NAMES)


def test_a_file_name_with_a_comma_keeps_its_label(tmp_path: Path) -> None:
    names = ["a,b.png", "c.png"]
    assert _read(tmp_path, 'a,b.png,3\n"c.png",1\n', names) == ["3", "1"]
