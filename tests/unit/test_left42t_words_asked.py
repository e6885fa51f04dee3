"""The long-sentence refusal bounded the mean alone (10,000 words): ``rec.cfg`` at
``--max-depth 14`` (8,964 words on average) still ran 500 queries in 957 MB, 71 s
(hostile41t's Left 2).  The words a run would ask are bounded too: the mean times its
``--max-queries`` (16,384 sentences when the budget is larger or time alone bounds it), at
most ``WORDS_ASKED``; the refusal names the production and the largest budget that fits."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.builtin_grammars import builtin_grammar_path
from assay.text.grammar import load_grammar, parse_grammar
from assay.text.sizes import LONGEST_MEAN, WORDS_ASKED, mean_words, refuse_long_sentences

REC = 'S -> C "." \nC -> C "and" C [50] | "the food was" Q [1]\nQ -> "good" | "bad" | "not good"\n'


def test_a_budget_of_long_sentences_is_refused_naming_the_rule_and_the_budget_that_fits() -> None:
    g = parse_grammar(REC, source="rec.cfg")
    mean = mean_words(g, 14)
    assert 8_000 < mean < LONGEST_MEAN  # (passed the mean's bound alone: main ran it)
    with pytest.raises(UsageError) as refused:
        refuse_long_sentences(g, 14, max_queries=500)
    said = str(refused.value)
    assert refused.value.line == 2 and 'C -> C "and" C is drawn 98%' in said, said
    fits = int(WORDS_ASKED // mean)
    assert f"--max-queries 500 would ask about {mean * 500:,.0f} words" in said, said
    assert f"give --max-queries {fits:,} or fewer" in said, said
    refuse_long_sentences(g, 14, max_queries=fits)  # the budget it names runs


def test_time_alone_counts_the_sentences_a_run_may_hold() -> None:
    g = parse_grammar(REC, source="rec.cfg")
    refuse_long_sentences(g, 12, max_queries=500)  # 2,331 words x 500: runs (297 MB)
    with pytest.raises(UsageError, match="a run of a time budget alone would ask"):
        refuse_long_sentences(g, 12, max_queries=None)


def test_a_stored_run_is_checked_by_the_mean_alone() -> None:
    """A run verified or resumed gives no budget of this session: it was made under its
    own (a grammar of 150-word sentences, 16,384 of them, would be refused otherwise)."""
    g = parse_grammar(REC, source="rec.cfg")
    refuse_long_sentences(g, 12, max_queries=None, stored=True)
    with pytest.raises(UsageError, match="words on average"):
        refuse_long_sentences(g, 24, max_queries=None, stored=True)  # (the mean's bound)


@pytest.mark.parametrize("name", ["reviews", "names", "topics"])
def test_the_built_in_grammars_run_with_any_budget(name: str) -> None:
    g = load_grammar(str(builtin_grammar_path(name)))
    for budget in (None, 1_000_000):
        refuse_long_sentences(g, 24, max_queries=budget)
