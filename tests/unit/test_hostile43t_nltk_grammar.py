"""NLTK grammars of a language not written in ASCII (hostile43t): an ``nltk.CFG`` object given
as ``grammar=`` was refused ("a grammar is a file path or builtin:NAME"), its symbols named in
Chinese (``句子 -> 主语 谓语``, which NLTK reads) refused at their first character ("expected
a symbol name"), and ``str()`` of an NLTK grammar refused at its header without a word of
what it was."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError
from assay.text.grammar import parse_grammar

nltk = pytest.importorskip("nltk")

TEXT = """
句子 -> 主语 否定 "喜欢" 标点
主语 -> '我' | '他'
否定 -> '不' | '没有' |
标点 -> '。'
"""


def negation(batch: list[str]) -> list[str]:
    return ["负面" if ("不" in s or "没有" in s) else "正面" for s in batch]


def bu_only(batch: list[str]) -> list[str]:
    return ["负面" if "不" in s else "正面" for s in batch]


def test_symbols_named_in_any_script_are_read() -> None:
    g = parse_grammar(TEXT, source="g.cfg")
    assert g.names[g.start] == "句子"


@pytest.mark.parametrize("form", ["CFG", "PCFG"])
def test_an_nltk_grammar_object_runs_as_its_text(tmp_path: Path, form: str) -> None:
    if form == "CFG":
        grammar = nltk.CFG.fromstring(TEXT.replace('"喜欢"', "'喜欢'"))
    else:
        grammar = nltk.PCFG.fromstring(
            "S -> NP NEG '喜欢' '。' [1.0]\nNP -> '我' [0.7] | '他' [0.3]\n"
            "NEG -> '不' [0.5] | '没有' [0.5]\n"
        )
    result = assay.check_text(
        [negation, bu_only], grammar=grammar, max_queries=200, seed=1, store=tmp_path / "r.db"
    )
    found = set(result.findings()["sentence"])
    assert found and all(s.startswith(("我没有喜欢", "他没有喜欢")) for s in found), found


def test_str_of_an_nltk_grammar_is_named() -> None:
    printed = str(nltk.CFG.fromstring("S -> 'a' | 'b'"))
    with pytest.raises(UsageError, match="str\\(\\) of an NLTK grammar"):
        parse_grammar(printed, source="g.cfg")
