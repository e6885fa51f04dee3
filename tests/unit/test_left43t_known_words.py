"""left43t: a run's known minimal errors are matched by the grammar's words in a sentence of
Chinese (``text.segment``), as by whitespace in English.  Joined without spaces, a whole
Chinese sentence was one word: an error holding a known minimal one was its duplicate only
when equal (about 12 % fewer errors found than in the grammar's transliteration into
ASCII)."""

from __future__ import annotations

from assay.text.grammar import parse_grammar
from assay.text.known import KnownErrors
from assay.text.segment import Words
from assay.text.spacing import ENGLISH_ONLY, joined_as

GRAMMAR = """\
s -> subj adv neg verb obj end
subj -> "我" | "我们" | "他"
adv -> "" | "真的" | "有点"
neg -> "" | "不" | "没有"
verb -> "喜欢" | "讨厌"
obj -> "这部电影" | "那本书"
end -> "。" | "，真的。"
"""


def _known(words: Words) -> KnownErrors:
    known = KnownErrors(words.words)
    known.add("我不喜欢这部电影。", "sig", "\x00")
    return known


def test_a_chinese_sentence_is_split_into_the_grammars_words() -> None:
    words = Words(parse_grammar(GRAMMAR))
    assert words.words("我们真的不喜欢那本书，真的。") == [
        "我们", "真的", "不", "喜欢", "那本书", "，真的。",
    ]  # fmt: skip
    assert words.words("I like 喜欢 a lot.") == ["I", "like", "喜欢", "a", "lot."]
    assert words.words("寿司") == ["寿", "司"]  # (no word of the grammar: a character each)
    assert words.spans("他 喜欢")[1] == ("喜欢", 2, 4)


def test_a_known_chinese_error_is_found_within_a_longer_sentence_holding_its_words() -> None:
    known = _known(Words(parse_grammar(GRAMMAR)))
    assert known.within(["我真的不喜欢这部电影。"], "sig") == "我不喜欢这部电影。"
    assert known.within(["我不喜欢这部电影。"], None) == "我不喜欢这部电影。"
    # "我们" is not "我" (a character's subsequence would say so), nor "讨厌" "喜欢"
    assert known.within(["我们不喜欢这部电影。"], "sig") is None
    assert known.within(["我不讨厌这部电影。"], "sig") is None


def test_a_run_joined_as_english_keeps_its_words_at_spaces() -> None:
    with joined_as(ENGLISH_ONLY):  # (a run stored before: as it began)
        known = _known(Words(parse_grammar(GRAMMAR)))
        assert known.within(["我真的不喜欢这部电影。"], "sig") is None
        assert Words(parse_grammar(GRAMMAR)).words("我 不 喜欢") == ["我", "不", "喜欢"]
