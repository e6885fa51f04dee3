"""The text technique's checks on load (hostile41t, left41): the cases their tests left free
(mutation42)."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar
from assay.text.sizes import LONGEST_MEAN, mean_words, refuse_long_sentences


def _labels(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


# each level down triples the sentence one time in two when drawn alike; by the weights,
# one time in 101
BUSHY = 'S -> C "."\nC -> C C C [1] | "the food was" Q [100]\nQ -> "good" | "bad"\n'


def test_the_search_s_uniform_draws_are_checked_too() -> None:
    """``--uniform``: loading draws by the weights (short sentences), the search alike
    (sentences of about 10^5 words): refused for the search's draws."""
    from assay.text.prepare import setup_text

    g = parse_grammar(BUSHY, source="bushy.cfg")
    assert mean_words(g, 24) < 10 < LONGEST_MEAN < mean_words(g, 24, weighted=False)
    with pytest.raises(UsageError, match="words on average"):
        setup_text([_labels], grammar=g, oracle="invariance", weighted=False, max_queries=100)


def test_the_bound_is_ten_thousand_words_and_the_production_named_is_drawn_most() -> None:
    """Two recursive productions: the one drawn most is named, with how many times it holds
    its symbol; a mean of some 10^5 words is refused (the bound is 10^4)."""
    g = parse_grammar(
        'S -> C "."\nC -> C C C [9] | "so" C [1] | "the food was" Q [8]\nQ -> "good" | "bad"\n',
        source="two.cfg",
    )
    mean = mean_words(g, 24)
    assert LONGEST_MEAN < mean < 100 * LONGEST_MEAN, mean
    with pytest.raises(UsageError) as caught:
        refuse_long_sentences(g, 24)
    said = str(caught.value)
    assert "C -> C C C is drawn 50% of the time and holds C 3 times" in said, said
    assert caught.value.line == 2


def test_a_directional_whose_source_needs_exactly_max_depth_runs(tmp_path: object) -> None:
    """The source ``"so" Y0`` needs 33 levels: refused at --max-depth 32 naming 33, run at
    33 (left41's test ran it at 40 only: an off-by-one refusing 33 passed it)."""
    import assay

    chain = "".join(f"Y{i} -> Y{i + 1}\n" for i in range(30)) + 'Y30 -> "deep"\n'
    grammar = (
        'S -> subj "was" q "."\nsubj -> "the food" | "the service"\n'
        'q -> "good" | "bad" | "so" Y0\n' + chain + "%invariant subj\n"
        '%directional q: "so" Y0 -> "bad" flip\n'
    )
    store = str(tmp_path) + "/s.db"  # type: ignore[operator]
    with pytest.raises(UsageError, match="raise max_depth to 33"):
        assay.check_text(
            _labels, grammar=grammar, oracle="suite", max_queries=200, seed=1, max_depth=32,
            store=store,
        )  # fmt: skip
    result = assay.check_text(
        _labels, grammar=grammar, oracle="suite", max_queries=200, seed=1, max_depth=33,
        store=store,
    )  # fmt: skip
    assert result.run_id
