"""A name the user gives that holds a line break or a tab (a classifier's file, a grammar's,
an image's, the store's path): printed raw, it split assay's line in two and started a line
assay never said.  Each is printed escaped (``core.kept_words``, the one mechanism a fairness
run's column names use too); the JSON report keeps it exact; a command to paste stays one
the shell reads back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core import kept_words

SPEC_FILE = "m\nFAKE SPEC.py"


@pytest.fixture(autouse=True)
def _no_words_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command as in a process of its own: no word kept by an earlier one."""
    monkeypatch.setattr(kept_words, "_KEPT", {})
    monkeypatch.setattr(kept_words, "_ORDER", [])


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    got = capsys.readouterr()
    return int(exc.value.code or 0), got.out + got.err


def _fake_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.lstrip().startswith("FAKE")]


def _classifiers(tmp_path: Path) -> list[str]:
    (tmp_path / SPEC_FILE).write_text(
        "def neg(texts):\n"
        "    return ['neg' if 'not' in t else 'pos' for t in texts]\n"
        "neg.classes_ = ['neg', 'pos']\n"
        "def pos(texts):\n"
        "    return ['pos' for t in texts]\n"
        "pos.classes_ = ['neg', 'pos']\n",
        encoding="utf-8",
    )
    return [f"{tmp_path / SPEC_FILE}:neg", f"{tmp_path / SPEC_FILE}:pos"]


def _grammar(tmp_path: Path, body: str) -> str:
    path = tmp_path / "g\tTAB.cfg"  # (a name with a line break is grammar text, not a file)
    path.write_text("%start S\n" + body, encoding="utf-8")
    return str(path)


def test_a_text_run_names_its_classifiers_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, report = str(tmp_path / "runs.db"), tmp_path / "r.json"
    grammar = _grammar(tmp_path, 'S -> "good" | "not good" | "fine"\n')
    args = [*_classifiers(tmp_path), "--grammar", grammar, "--seed", "0"]
    code, out = _cli(capsys, "text", *args, "--store", store, "--report", str(report))
    assert code == 1, out
    assert _fake_lines(out) == []
    assert "m\\x0aFAKE SPEC.py:neg, m\\x0aFAKE SPEC.py:pos; strategy" in out  # the headline
    # the JSON keeps the names exact
    assert "m\nFAKE SPEC.py:neg" in json.loads(report.read_text(encoding="utf-8"))["headline"]
    run_id = re.findall(r"^run (\S+), seed", out, re.M)[0]
    kept_words._KEPT.clear()  # `assay show`, a new command: the words are the stored run's
    kept_words._ORDER.clear()
    code, shown = _cli(capsys, "show", run_id, "--store", store)
    assert code == 0, shown
    assert _fake_lines(shown) == [] and "m\\x0aFAKE SPEC.py:neg, m\\x0a" in shown, shown


def test_errors_name_a_classifier_and_a_grammar_file_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    neg, pos = _classifiers(tmp_path)
    good = _grammar(tmp_path, 'S -> "good" | "not good"\n')
    code, out = _cli(capsys, "text", neg.replace(":neg", ":nope"), pos, "--grammar", good)
    assert code == 2, out
    assert _fake_lines(out) == [] and "m\\x0aFAKE SPEC.py has no 'nope'" in out, out
    bad = _grammar(tmp_path, "S -> T\n")
    code, out = _cli(capsys, "text", neg, pos, "--grammar", bad, "--store", str(tmp_path / "s"))
    assert code == 2, out
    assert "g\\x09TAB.cfg:2:6: unknown symbol 'T'" in out, out


def test_an_image_file_name_is_printed_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    (tmp_path / "m.py").write_text(
        "import numpy as np\ndef predict(x):\n    return np.full((len(x), 10), 0.1)\n",
        encoding="utf-8",
    )
    folder = tmp_path / "images"
    folder.mkdir()
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(folder / "a.png")
    Image.fromarray(np.zeros((10, 10), dtype=np.uint8)).save(folder / "b\nFAKE IMAGE.png")
    model = f"{tmp_path}/m.py:predict"
    images = ["--images", str(folder), "--clean", str(folder)]
    code, out = _cli(capsys, "backdoor", model, *images, "--store", str(tmp_path / "s"))
    assert code == 2, out
    assert _fake_lines(out) == [], out
    assert "b\\x0aFAKE IMAGE.png is 10x10 but a.png is 8x8" in out, out


def test_a_damaged_store_in_a_folder_with_a_line_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "st\nFAKE STORE"
    folder.mkdir()
    (folder / "x.db").write_text("not a store\n", encoding="utf-8")
    code, out = _cli(capsys, "runs", "--store", str(folder / "x.db"))
    assert code == 2, out  # (a text file is no store: the user's mistake, fuzz45b)
    assert _fake_lines(out) == [], out
    # the command to paste is one the shell reads back as the same path
    assert f"(mv $'{tmp_path}/st\\x0aFAKE STORE/x.db' $'{tmp_path}/st\\x0a" in out, out


def test_a_path_is_kept_with_its_parts() -> None:
    kept_words.keep_on_one_line(["/d/m\nX.py:neg", "\n", "plain/a:b"])
    said = "classifier m\nX.py:neg: /d/m\nX.py has no 'nope'\nnext line"
    assert kept_words.on_one_line(said) == (
        "classifier m\\x0aX.py:neg: /d/m\\x0aX.py has no 'nope'\nnext line"
    )
