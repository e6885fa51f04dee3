"""Grammars and label maps as NLTK and an editor read them: a line ends at a new line only,
so a terminal or a label holding a form feed, U+0085 or a Unicode line separator (scraped
text often does) loads as NLTK loads it, and an error is located at the line an editor
shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.errors import UsageError
from assay.text.generate import enumerate_trees, tree_text
from assay.text.grammar import parse_grammar

register()
runner = CliRunner()

ODD = ["x\u2028y", "a\x85b", "c\x0cd", "e\u2029f", "g\x1ch"]


def test_terminals_holding_other_line_breaks_load_as_nltk_loads_them() -> None:
    alts = " | ".join(f'"{t}"' for t in ODD)
    grammar = parse_grammar(f'S -> "the" N\r\nN -> {alts}\r\n', source="g.cfg")
    sentences = {tree_text(t) for t in enumerate_trees(grammar)}
    assert sentences == {f"the {t}" for t in ODD}


def test_an_error_after_such_a_line_names_the_line_an_editor_shows() -> None:
    text = 'S -> "the" N\nN -> "x\u2028y" | "a\x0cb"\nM -> "unbalanced\n'
    with pytest.raises(UsageError) as err:
        parse_grammar(text, source="g.cfg")
    assert "g.cfg:3:6:" in str(err.value), str(err.value)


def test_a_label_map_label_holding_a_line_separator_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(
        "def a(batch):\n"
        "    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
        "a.classes_ = ['neg', 'pos']\n"
        "def b(batch):\n"
        "    return ['P\\u2028OS' if 'great' in s else 'N\\u2028EG' for s in batch]\n"
        "b.classes_ = ['N\\u2028EG', 'P\\u2028OS']\n",
        encoding="utf-8",
    )
    (tmp_path / "map.txt").write_text(
        '2 "N\u2028EG" -> neg\n2 "P\u2028OS" -> pos\n', encoding="utf-8"
    )
    (tmp_path / "g.cfg").write_text(
        'S -> "the food was" A\nA -> "good" | "great" | "bad"\n', encoding="utf-8"
    )
    args = ["text", f"{tmp_path}/clf.py:a", f"{tmp_path}/clf.py:b", "--grammar"]
    result = runner.invoke(
        app,
        [
            *args,
            str(tmp_path / "g.cfg"),
            "--label-map",
            str(tmp_path / "map.txt"),
            "--max-queries",
            "200",
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert result.exit_code == 1, result.output  # "good" and "great" are told apart
    assert "2 distinct minimal failing sentences" in result.output, result.output


def _chain(n: int) -> str:
    """A grammar whose every sentence is a chain of ``n`` rules deep."""
    rules = [f'Y{i} -> Y{i + 1} | "w{i}" Y{i + 1}' for i in range(n)]
    return "\n".join(["S -> Y0", 'A -> "good" | "bad" | "great"', *rules, f'Y{n} -> "deep" A'])


def _run_ab(tmp_path: Path, grammar: str, *extra: str) -> Any:
    """``assay text`` of two declared classifiers, told apart by "good" and "great"."""
    (tmp_path / "clf.py").write_text(
        "def a(batch):\n    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
        "def b(batch):\n    return ['pos' if 'great' in s else 'neg' for s in batch]\n"
        "a.classes_ = b.classes_ = ['neg', 'pos']\n",
        encoding="utf-8",
    )
    (tmp_path / "g.cfg").write_text(grammar + "\n", encoding="utf-8")
    args = ["text", f"{tmp_path}/clf.py:a", f"{tmp_path}/clf.py:b", "--grammar"]
    return runner.invoke(
        app,
        [
            *args,
            str(tmp_path / "g.cfg"),
            "--max-queries",
            "300",
            "--store",
            str(tmp_path / "r.db"),
            *extra,
        ],
    )


def _deep_run(tmp_path: Path, n: int, depth: int) -> Any:
    return _run_ab(tmp_path, _chain(n), "--max-depth", str(depth))


def test_a_depth_beyond_what_recursion_can_walk_is_refused_not_an_internal_error(
    tmp_path: Path,
) -> None:
    result = _deep_run(tmp_path, 3000, 3100)
    assert result.exit_code == 2, result.output
    assert "at most 300" in result.output and "needs a depth of at least 3003" in result.output
    assert "a bug in assay" not in result.output


def test_a_grammar_as_deep_as_allowed_runs(tmp_path: Path) -> None:
    result = _deep_run(tmp_path, 290, 300)
    assert result.exit_code == 1, result.output
    assert "minimal failing sentence" in result.output


def test_a_part_of_the_grammar_beyond_max_depth_is_said_not_silently_left_out(
    tmp_path: Path,
) -> None:
    grammar = 'S -> "the food was" A | "it was" Y0\n' + _chain(40).split("\n", 1)[1]
    result = _run_ab(tmp_path, grammar, "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 1, result.output  # "the food was good" is found
    said = 'can never be generated within --max-depth 24 (the first, S -> "it was" Y0, needs 43)'
    assert said in result.output, result.output
    assert said.replace('"', '\\"') in (tmp_path / "r.json").read_text("utf-8")  # in its notes
