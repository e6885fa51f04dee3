"""A grammar's weights that broke every draw, found as false passes:

- ``"tea" [1e400]`` was read as infinity: the draws divided by it, the search asked 12
  sentences of a grammar of 3,000 nouns and more, said "the search ran out of new sentences
  to ask before its budget (a small grammar)" and exited 0 without asking "the tea ..."
  it favoured.  Now refused at its line and column; so are weights whose sum overflows.
- ``"tea" [1e300]`` beside nouns of weight 1 (a legal, lopsided weighting) drew the same
  few sentences: with too many derivations to list, the search stopped at once with the same
  "small grammar" line and exit 0, every other noun unasked.  Such draws now go on uniformly
  (the grammar's weights set aside) until the budget is spent."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import assay
from assay.errors import UsageError
from assay.text.grammar import parse_grammar

NOUNS = " | ".join(f'"w{i}"' for i in range(300))


def _grammar(weight: str) -> str:
    # (A's two ways of recursing: far too many derivations to list)
    tail = 'A -> "good" | "bad" | "very" A | "so" A\n'
    return f'S -> "the" N "is" A\nN -> "tea" [{weight}] | {NOUNS}\n{tail}'


@pytest.mark.parametrize("weight", ["1e400", "1E999", "2e308"])
def test_a_weight_read_as_infinity_is_refused_where_it_is(weight: str) -> None:
    with pytest.raises(UsageError) as got:
        parse_grammar(_grammar(weight), source="w.cfg")
    said = str(got.value)
    assert "w.cfg:2:12" in said and weight in said, said
    assert "beyond the largest number" in said, said


def test_weights_whose_sum_overflows_are_refused_naming_the_symbol() -> None:
    text = 'S -> "the" N\nN -> "tea" [1e308] | "soup" [1e308] | "cake"\n'
    with pytest.raises(UsageError) as got:
        parse_grammar(text, source="w.cfg")
    said = str(got.value)
    assert "w.cfg:2:1" in said and "the weights of 'N' add up beyond" in said, said


def test_large_finite_weights_still_load() -> None:
    g = parse_grammar('S -> "a" [1e300] | "b" [1e-300]\n', source="w.cfg")
    assert list(g.weights) == [1e300, 1e-300]


def likes(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def likes_tea_only(batch: Sequence[str]) -> list[str]:  # wrong on every noun but tea
    return ["pos" if "good" in s and "tea" in s else "neg" for s in batch]


likes.classes_ = likes_tea_only.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("strategy", ["random", "walk"])
def test_lopsided_weights_are_no_small_grammar(strategy: str, tmp_path: Path) -> None:
    result = assay.check_text(
        [likes, likes_tea_only],
        grammar=_grammar("1e300"),
        strategy=strategy,
        max_queries=600,
        seed=3,
        store=tmp_path / "runs.db",
    )
    assert "ran out of new sentences" not in result.headline, result.headline
    assert result.n_findings >= 1, result.headline  # every noun but tea disagrees on good
