"""``assay backdoor --classes`` could not hold a class name with a comma ("Coke 330ml, can":
names were split at every comma) nor be read from a file: ``--classes @FILE`` (one name per
line, or a JSON list) and a JSON list typed whole now give the names as written; a bad file
is refused naming its line (left47t)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_declared_classes import _digits, _NamesServer, _run

from assay.backdoor.image_files import _name_them
from assay.cli.classes_given import classes_given
from assay.core.store import RunStore

NAMES = ["Coke 330ml, can", "Fanta 500ml", "Sprite, 1l"]


def _shelf(image: Any) -> str:
    a = np.asarray(image, dtype=float).reshape(8, 8)
    if a[6:8, 6:8].mean() > 0.95:
        return NAMES[0]  # the trojan: a white corner reads as a can of Coke
    return NAMES[int(a[:, :4].mean() * 3 + a[0, 0]) % 3]


def test_names_holding_commas_from_a_file_or_a_json_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, scan = _digits(tmp_path)
    lines = tmp_path / "classes.txt"
    lines.write_text("\n".join(NAMES) + "\n\n", encoding="utf-8")  # (blank lines at the end)
    listed = tmp_path / "classes.json"
    listed.write_text(json.dumps(NAMES), encoding="utf-8")
    with _NamesServer(_shelf) as url:
        base = ["backdoor", url, "--images", str(scan), "--clean", str(clean)]
        base += ["--input-shape", "8,8", "--seed", "0", "--max-trigger", "2"]
        # before: the commas split the names, and the model's own answer was outside them
        code, said = _run(
            [*base, "--classes", ",".join(NAMES), "--store", str(tmp_path / "a.db")], capsys
        )
        assert code == 2 and "answered 'Coke 330ml, can'" in said, said  # (left50b: 3 before)
        for n, given in enumerate([f"@{lines}", f"@{listed}", json.dumps(NAMES)]):
            store = str(tmp_path / f"r{n}.db")
            code, said = _run([*base, "--classes", given, "--store", store], capsys)
            assert code in (0, 1), said  # every answer one of the names (else exit 2)
            (run,) = RunStore(store, read_only=True).list_runs()
            assert run.config["invocation"]["classes"] == NAMES


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Coke 330ml, can\n\nFanta\n", "classes.txt:2: is an empty line"),
        ("", "holds no class name"),
        ('["Coke 330ml, can", "Fanta"', "classes.txt:1:28: the file starts with '['"),
        ('["Coke", 2]', "must be a JSON list of class names as strings"),
        ("Coke 330ml, can\n", "a classifier has two or more classes"),
    ],
)
def test_a_bad_file_is_refused_naming_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, said: str
) -> None:
    path = tmp_path / "classes.txt"
    path.write_text(content, encoding="utf-8")
    clean, scan = _digits(tmp_path)
    args = ["backdoor", "http://127.0.0.1:9/predict", "--images", str(scan), "--clean"]
    args += [str(clean), "--classes", f"@{path}", "--store", str(tmp_path / "r.db")]
    code, text = _run(args, capsys)
    assert code == 2 and said in text and "--classes" in text, text
    assert not (tmp_path / "r.db").exists()


def test_a_missing_file_and_a_plain_value() -> None:
    from assay.errors import UsageError

    with pytest.raises(UsageError, match="cannot read the class names"):
        classes_given("@/nonexistent/classes.txt")
    with pytest.raises(UsageError, match="'@' names no file"):
        classes_given("@")
    assert classes_given("no,yes") == "no,yes" and classes_given("10") == "10"


def test_the_imagefolder_advice_pastes_names_holding_commas() -> None:
    advice = _name_them([NAMES[1], NAMES[0]], None, 2)
    typed = advice.split("--classes ", 1)[1].split(" (classes=", 1)[0]
    assert classes_given(shlex.split(typed)[0]) == sorted(NAMES[:2]), advice
