"""The first failing sentences ``assay text`` prints are safe on a terminal whatever the
grammar and the classifiers hold: a label answered with an ANSI colour and a new line, a
terminal with a C1 control (U+009B starts an escape sequence on its own), DEL, a
right-to-left override or a line separator is written escaped, never acted on; letters of
any script and emoji are kept as they are."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

CLASSIFIERS = """
def plain(batch):
    return ["pos" if "good" in s else "neg" for s in batch]


def coloured(batch):
    return ["\\x1b[31mPOS\\x1b[0m\\nFAKE LINE" if "good" in s else "neg" for s in batch]
"""

NOUNS = ["food", "c1\x9b31m", "del\x7f", "a\u202eevil", "x\u2028y", "שלום", "😀👍🏽"]


def _acted_on(line: str) -> list[str]:
    """The characters of ``line`` a terminal would act on rather than show."""
    return [
        c
        for c in line
        if unicodedata.category(c) in ("Cc", "Zl", "Zp")
        or (unicodedata.category(c) == "Cf" and c not in "\u200c\u200d")
    ]


def test_hostile_labels_and_terminals_are_escaped_on_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    nouns = " | ".join(json.dumps(n, ensure_ascii=False) for n in NOUNS)
    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        f'S -> "the" N "was" A\nN -> {nouns}\nA -> "good" | "bad"\n', encoding="utf-8"
    )
    store = str(tmp_path / "runs.db")
    args = ["text", f"{tmp_path}/clf.py:plain", f"{tmp_path}/clf.py:coloured"]
    result = runner.invoke(
        app, [*args, "--grammar", str(grammar), "--max-queries", "300", "--store", store]
    )
    assert result.exit_code == 1, result.output
    head = result.output.split("first 3 of", 1)[1].split("\nevery one of them", 1)[0]
    lines = head.splitlines()[1:]
    assert len(lines) == 3, head  # no label printed a line of its own
    for line in lines:
        assert not _acted_on(line), ascii(line)
        assert '"\\u001b[31mPOS\\u001b[0m\\nFAKE LINE"' in line, line
    run_id = re.search(r"run (text-\S+): ", result.output)
    assert run_id is not None
    shown = runner.invoke(app, ["show", run_id.group(1), "--store", store])
    assert shown.exit_code == 0, shown.output
    said = shown.output.split("(ranked):\n", 1)[1].splitlines()[:3]
    assert said == lines


def test_every_hostile_terminal_is_escaped_and_scripts_are_kept(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    for noun in NOUNS:
        grammar = tmp_path / "g.cfg"
        grammar.write_text(
            f'S -> "the" N "was" A\nN -> {json.dumps(noun, ensure_ascii=False)}\n'
            'A -> "good" | "bad"\n',
            encoding="utf-8",
        )
        args = ["text", f"{tmp_path}/clf.py:plain", f"{tmp_path}/clf.py:coloured"]
        result = runner.invoke(
            app,
            [
                *args,
                "--grammar",
                str(grammar),
                "--max-queries",
                "300",
                "--store",
                str(tmp_path / "runs.db"),
            ],
        )
        assert result.exit_code == 1, result.output
        line = result.output.split("minimal failing sentence:\n", 1)[1].splitlines()[0]
        assert not _acted_on(line), ascii(line)
        sentence = json.loads(line.split("  [", 1)[0].strip())  # reads back as written
        assert sentence == f"the {noun} was good"


def _against_plain(tmp_path: Path, source: str, other: str) -> Any:
    """``assay text`` of ``plain`` against the function ``other`` defined by ``source``."""
    (tmp_path / "clf.py").write_text(CLASSIFIERS + "\n" + source, encoding="utf-8")
    (tmp_path / "g.cfg").write_text('S -> "the food was" A\nA -> "good" | "bad"\n', "utf-8")
    args = ["text", f"{tmp_path}/clf.py:plain", f"{tmp_path}/clf.py:{other}", "--grammar"]
    return runner.invoke(
        app,
        [*args, str(tmp_path / "g.cfg"), "--max-queries", "200", "--store", str(tmp_path / "r.db")],
    )


def test_a_refusal_naming_the_labels_escapes_a_label_that_sets_the_terminal_title(
    tmp_path: Path,
) -> None:
    result = _against_plain(
        tmp_path,
        "plain.classes_ = ['neg', 'pos']\n\ndef title(batch):\n"
        '    return ["\\x1b]0;pwned\\x07POS" if "good" in s else "neg" for s in batch]\n',
        "title",
    )
    assert result.exit_code == 2, result.output
    assert "name their labels differently" in result.output, result.output
    assert "'\\x1b]0;pwned\\x07POS'" in result.output, result.output
    assert not _acted_on(result.output.replace("\n", "")), ascii(result.output)


FIVE_AND_THREE = """
def five(batch):
    return [["very_neg", "neg", "neutral", "pos", "very_pos"][len(s) % 5] for s in batch]


five.classes_ = ["very_neg", "neg", "neutral", "pos", "very_pos"]


def three(batch):
    return [["N", "Z", "P"][len(s) % 3] for s in batch]


three.classes_ = ["N", "Z", "P"]
"""

FIVE_TO_THREE = {"very_neg": "negative", "neg": "negative", "neutral": "neutral"}
FIVE_TO_THREE |= {"pos": "positive", "very_pos": "positive"}
THREE = {"N": "negative", "Z": "neutral", "P": "positive"}


def test_labels_mapped_to_common_ones_are_printed_with_the_label_compared(
    tmp_path: Path,
) -> None:
    (tmp_path / "clf.py").write_text(FIVE_AND_THREE, encoding="utf-8")
    (tmp_path / "map.txt").write_text(
        "".join(f"1 {a} -> {b}\n" for a, b in FIVE_TO_THREE.items())
        + "".join(f"2 {a} -> {b}\n" for a, b in THREE.items()),
        encoding="utf-8",
    )
    args = ["text", f"{tmp_path}/clf.py:five", f"{tmp_path}/clf.py:three"]
    result = runner.invoke(
        app,
        [
            *args,
            "--grammar",
            "builtin:reviews",
            "--label-map",
            str(tmp_path / "map.txt"),
            "--max-queries",
            "300",
            "--seed",
            "3",
            "--store",
            str(tmp_path / "r.db"),
        ],
    )
    assert result.exit_code == 1, result.output
    # (label functions: no number beside their labels, left26)
    said = re.findall(r"clf\.py:five: (\w+) = (\w+); clf\.py:three: (\w) = (\w+)\]", result.output)
    assert len(said) == 3, result.output
    for own5, common5, own3, common3 in said:
        assert FIVE_TO_THREE[own5] == common5 and THREE[own3] == common3
        assert common5 != common3  # the disagreement is readable on the line itself


def test_a_label_of_a_whole_paragraph_is_cut_on_the_line(tmp_path: Path) -> None:
    long = "The sentiment of this review is clearly positive because " * 40
    result = _against_plain(
        tmp_path,
        f"def chatty(batch):\n    return [{long!r} if 'good' in s else 'neg' for s in batch]\n",
        "chatty",
    )
    assert result.exit_code == 1, result.output
    line = result.output.split("minimal failing sentence:\n", 1)[1].splitlines()[0]
    assert "clf.py:chatty: The sentiment of this review" in line, line
    assert len(line) < 200, line
