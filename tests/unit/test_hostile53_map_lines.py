"""The label map a refusal suggests, in a Python caller's terms (hostile53).  Two classifiers
naming their labels differently (`negative`/`positive` against `NEG`/`POS`) were told "a
label map file of the lines `2 NEG -> negative`, `2 POS -> positive`" beside "label_map= (a
file, or a dict ..., the classifier by its position from 0 ...)": the line's `2` counted
from 1, the dict's from 0, so `label_map={2: {...}}` named another classifier (the third of
three).  The suggestion is now the dict itself, pasted as is; the command line keeps its
lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import assay
from assay.cli.app import main

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "poor"
"""


def lower(batch: list[str]) -> list[str]:
    return ["negative" if "bad" in t or "poor" in t else "positive" for t in batch]


def upper(batch: list[str]) -> list[str]:
    return ["NEG" if "bad" in t or "not" in t.split() else "POS" for t in batch]


def other(batch: list[str]) -> list[str]:
    return ["negative" if "poor" in t else "positive" for t in batch]


def test_the_refusal_gives_the_dict_that_runs(tmp_path: Path) -> None:
    models = [lower, upper, other]
    store = tmp_path / "r.db"
    with pytest.raises(assay.UsageError) as caught:
        assay.check_text(models, grammar=GRAMMAR, max_queries=200, seed=1, store=store)
    said = str(caught.value)
    found = re.search(r"`label_map=(\{.*?\}\})`", said)
    assert found is not None, said
    mapping = ast.literal_eval(found[1])
    assert mapping == {1: {"NEG": "negative", "POS": "positive"}}, said
    assert "`2 NEG -> negative`" not in said, said
    result = assay.check_text(
        models, grammar=GRAMMAR, max_queries=200, seed=1, store=store, label_map=mapping
    )
    assert result.summary["text"]["labels"]["common"] == ["negative", "positive"]


def test_the_command_line_keeps_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text(
        "def lower(batch):\n"
        "    return ['negative' if 'bad' in t else 'positive' for t in batch]\n"
        "def upper(batch):\n"
        "    return ['NEG' if 'bad' in t else 'POS' for t in batch]\n",
        encoding="utf-8",
    )
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    args = [f"{tmp_path / 'm.py'}:lower", f"{tmp_path / 'm.py'}:upper"]
    args += ["--grammar", str(tmp_path / "g.cfg"), "--store", str(tmp_path / "c.db")]
    with pytest.raises(SystemExit) as ended:
        main(["text", *args, "--max-queries", "200"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "a label map file of the lines `2 NEG -> negative`, `2 POS -> positive`" in err, err


def test_lines_read_as_the_dict() -> None:
    from assay.core.map_lines import lines_as_dict

    assert lines_as_dict('`2 "very good" -> positive` and `3 a\\b -> x`') == (
        "`label_map={1: {'very good': 'positive'}, 2: {'a\\\\b': 'x'}}`"
    )
    assert lines_as_dict("write a line for each of classifier 2's labels, `2 LABEL -> COMMON`") == (
        "map each label of classifier 1, `label_map={1: {LABEL: COMMON}}`"
    )
    assert lines_as_dict("no lines here: 2 a -> b") == "no lines here: 2 a -> b"
