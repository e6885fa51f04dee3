"""A metamorphic case whose variant is its sentence itself could never fail, yet:

- an invariance class whose members derive the same words (``N -> X | Y``, ``X -> "tea"``,
  ``Y -> "tea"``) ran as "no invariance failure found ... (a small grammar)", exit 0;
- a ``flip`` edit into a symbol deriving nothing (``D: "" -> X``, ``X -> ""``) reported every
  case as a directional failure whose sentence and variant were the same words.

Such a case is now no error, and a run of no other case tested nothing (exit 2)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import assay


def likes(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def likes_no_soup(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s and "soup" not in s else "neg" for s in batch]


likes.classes_ = likes_no_soup.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]

SAME_MEMBERS = (
    'S -> "the" N "is" A\nN -> X | Y\nX -> "tea"\nY -> "tea"\nA -> "good" | "bad"\n%invariant N\n'
)
SAME_SIDES = 'S -> "the tea is" D A\nD -> "" | X\nX -> ""\nA -> "good" | "bad"\n'
SAME_SIDES += '%directional D: "" -> X flip\n'


@pytest.mark.parametrize(
    ("grammar", "oracle"), [(SAME_MEMBERS, "invariance"), (SAME_SIDES, "directional")]
)
def test_variants_that_are_their_sentence_test_nothing(
    grammar: str, oracle: str, tmp_path: Path
) -> None:
    result = assay.check_text(
        likes, grammar=grammar, oracle=oracle, max_queries=200, seed=1, store=tmp_path / "r.db"
    )
    assert result.n_findings == 0, result.headline
    assert result.headline.startswith("NOTHING WAS TESTED"), result.headline
    assert "every variant asked was its sentence itself" in result.headline, result.headline


def test_a_class_with_one_member_apart_still_finds_it(tmp_path: Path) -> None:
    grammar = SAME_MEMBERS.replace("N -> X | Y", 'N -> X | Y | "soup"')
    result = assay.check_text(
        likes_no_soup, grammar=grammar, oracle="invariance", max_queries=200, seed=1,
        store=tmp_path / "r.db",
    )  # fmt: skip
    assert result.n_findings >= 1, result.headline
    rows = result.findings()
    assert all("soup" in s + v for s, v in zip(rows["sentence"], rows["variant"], strict=True))
