"""Sentences of languages not written as English is (hostile43t).  A sentence was its terminals
joined by single spaces with English's rule alone (no space before ``,.!?;:``): a Chinese
grammar's "我" "不" "喜欢" "这部电影" "。" was sent as "我 不 喜欢 这部电影 。" (a classifier of
unspaced text answered the spaces: 36 directional "failures" of 72 queries, every one of
them assay's spacing), Arabic's "جيدا ، حقا ؟" with spaces before its marks, Spanish "¿ te
gusta ?", a zero-width joiner between spaces.  Text of ASCII alone is as before."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.text.generate import detok
from assay.text.moves import _leaves
from assay.text.spacing import glued


@pytest.mark.parametrize(
    ("joined", "written"),
    [
        ("我 不 喜欢 这部电影 。", "我不喜欢这部电影。"),
        ("他 喜欢 这家餐厅 ，真的 ！", "他喜欢这家餐厅，真的！"),
        ("「 すごい 」 と 言った 。", "「すごい」と言った。"),
        ("私 は Python が 好き です 。", "私は Python が好きです。"),
        ("I like 寿司 and 天ぷら .", "I like 寿司 and 天ぷら."),
        ("Python 。", "Python。"),
        ("ฉัน ไม่ ชอบ", "ฉันไม่ชอบ"),
        ("هل كان الطعام جيدا ، حقا ؟", "هل كان الطعام جيدا، حقا؟"),
        ("מה שלומך ?", "מה שלומך?"),
        ("मुझे पसंद है ।", "मुझे पसंद है।"),
        ("¿ te gusta ? ¡ sí !", "¿te gusta? ¡sí!"),
        ("می \u200c خواهم", "می\u200cخواهم"),
        ("ฉัน \u200b ไม่ ชอบ", "ฉัน\u200bไม่ชอบ"),
        ("the food was \u200b good .", "the food was \u200b good."),
        ("👨 \u200d 👩 \u200d 👧 fine", "👨\u200d👩\u200d👧 fine"),
        ("das Essen war schön , nicht süß .", "das Essen war schön, nicht süß."),
        ("사과 를 좋아 해요 .", "사과 를 좋아 해요."),  # Korean is written with spaces
        ("naïve :)", "naïve :)"),
    ],
)
def test_a_sentence_is_spaced_as_its_language_writes_it(joined: str, written: str) -> None:
    assert detok(joined) == written


def test_ascii_text_is_spaced_as_before() -> None:
    assert detok("the food , was good ...") == "the food, was good..."
    assert detok("fine :) ok") == "fine :) ok"
    assert not glued("the", "food")


def test_the_walks_tokens_join_as_the_sentence_does() -> None:
    tree = (0, ("我", (1, ("不",)), "喜欢", "。"))
    assert [w for w, _ in _leaves(tree)] == ["我不喜欢。"]


def unspaced(batch: list[str]) -> list[str]:
    """A classifier of text written without spaces: a space reads as noise (negative)."""
    return ["负面" if ("不" in s or " " in s) else "正面" for s in batch]


def test_a_chinese_grammar_is_sent_without_spaces(tmp_path: Path) -> None:
    sent: list[str] = []

    def classify(batch: list[str]) -> list[str]:
        sent.extend(batch)
        return unspaced(batch)

    grammar = (
        's -> subj neg verb obj end\nsubj -> "我" | "他"\nneg -> "" [3] | "不"\n'
        'verb -> "喜欢" | "爱"\nobj -> "这部电影" | "这家餐厅"\nend -> "。" | "！"\n'
        '%directional neg: "" -> "不" flip\n'
    )
    result = assay.check_text(
        classify,
        grammar=grammar,
        oracle="directional",
        max_queries=300,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert "我不喜欢这部电影。" in sent
    assert not [s for s in sent if " " in s]
    # every edit moved the label: nothing fails (before, every case failed on the spaces)
    assert result.summary["text"]["errors"] == 0, result.headline


def test_bulk_generation_spaces_as_the_search_does() -> None:
    import numpy as np

    from assay.text.generate import BatchGenerator
    from assay.text.grammar import parse_grammar

    g = parse_grammar('s -> "我" neg "喜欢" "。"\nneg -> "" | "不"\n', source="g.cfg")
    got = set(BatchGenerator(g, np.random.default_rng(0)).sentences(20))
    assert got == {"我喜欢。", "我不喜欢。"}
