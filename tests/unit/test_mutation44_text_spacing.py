"""mutation44: sentences beyond ASCII (hostile43t, left43t): how they are joined and split.

Their tests passed with a CJK mark on the left of a word of Latin letters spaced from it, the
outermost joining rule in force inside an inner one, ``$ASSAY_TEXT_SPACING=3`` taken, a stored
rule of no known number taken as it is, a grammar's shorter word taken first where a longer
one begins the same ("这部" before "这部电影"), a terminal of two words kept as one, an NLTK
grammar's start symbol lost when it is not its first rule's, and a terminal with a quote in
it written unescaped."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError
from assay.text.generate import detok
from assay.text.grammar import parse_grammar
from assay.text.segment import Words
from assay.text.spacing import BEYOND_ASCII, ENGLISH_ONLY, SPACING_ENV, joined_as, of_run


def test_no_space_after_a_cjk_mark_before_latin_letters() -> None:
    assert detok("「 Python 」 です 。") == "「Python」です。"


def test_the_innermost_rule_is_in_force() -> None:
    with joined_as(BEYOND_ASCII), joined_as(ENGLISH_ONLY):
        assert detok("我 不 喜欢 。") == "我 不 喜欢 。"  # (English's marks only)
    with joined_as(ENGLISH_ONLY), joined_as(BEYOND_ASCII):
        assert detok("我 不 喜欢 。") == "我不喜欢。"


@pytest.mark.parametrize("raw", ["0", "3", "two"])
def test_a_spacing_variable_of_no_rule_is_refused(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(SPACING_ENV, raw)
    with pytest.raises(UsageError, match="must be 1") as err:
        detok("我 不 喜欢")
    assert err.value.argument == SPACING_ENV


def test_a_stored_rule_of_no_known_number_is_read_as_the_old_one() -> None:
    assert of_run({"spacing": 7}) == ENGLISH_ONLY
    assert of_run({"spacing": BEYOND_ASCII}) == BEYOND_ASCII


def test_the_longest_word_of_the_grammar_is_taken_first() -> None:
    words = Words(parse_grammar('s -> d n "喜欢"\nd -> "这部" | "那"\nn -> "电影" | "这部电影"\n'))
    assert words.words("我喜欢这部电影") == ["我", "喜欢", "这部电影"]


def test_a_terminal_of_two_words_gives_the_grammar_both() -> None:
    words = Words(parse_grammar('s -> "真的 喜欢" "这部电影"\n'))
    assert words.words("我真的喜欢这部电影") == ["我", "真的", "喜欢", "这部电影"]


nltk = pytest.importorskip("nltk")


def _other(batch: list[str]) -> list[str]:
    return ["pos" if "我" in s or "." in s else "neg" for s in batch]


def test_an_nltk_grammars_own_start_symbol_is_kept(tmp_path: Path) -> None:
    """Its start is S, its first rule NP's: sentences are S's, not NP's."""
    first = nltk.CFG.fromstring("NP -> '我' | '他'\nS -> NP '不' '喜欢' '。'\n")
    grammar = nltk.CFG(nltk.Nonterminal("S"), first.productions())
    sent: list[str] = []

    def classify(batch: list[str]) -> list[str]:
        sent.extend(batch)
        return ["pos" if "他" in s or "!" in s else "neg" for s in batch]

    assay.check_text(
        [classify, _other], grammar=grammar, max_queries=20, seed=1, store=tmp_path / "r.db"
    )
    assert sent and all(s.endswith("不喜欢。") for s in sent), sent


def test_an_nltk_terminal_with_a_quote_is_read_as_written(tmp_path: Path) -> None:
    grammar = nltk.CFG.fromstring("S -> 'he said \"hi\"' END\nEND -> '.' | '!'\n")
    sent: list[str] = []

    def classify(batch: list[str]) -> list[str]:
        sent.extend(batch)
        return ["pos" if "他" in s or "!" in s else "neg" for s in batch]

    assay.check_text(
        [classify, _other], grammar=grammar, max_queries=20, seed=1, store=tmp_path / "r.db"
    )
    assert sent and all(s.startswith('he said "hi"') for s in sent), sent


def test_a_fullwidth_mark_takes_no_space_beside_latin_letters() -> None:
    assert detok("Python ！ 好 。") == "Python！好。"


def test_a_spacing_variable_with_spaces_around_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SPACING_ENV, " 1 ")
    assert detok("我 不 喜欢") == "我 不 喜欢"
