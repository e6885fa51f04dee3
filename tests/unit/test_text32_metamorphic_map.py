"""A label map in an invariance or directional run (one classifier): the labels it makes one
are one prediction.

- A map making every label one (``1 neg -> x``, ``1 pos -> x``) left nothing that could
  fail, yet the run reported failures printed as ``pos = x -> neg = x`` (exit 1), and a
  directional ``flip`` passed on labels the map had made one.  Now refused (exit 2).
- A map making two of three labels one (``1 neutral -> pos``): a swap from ``pos`` to
  ``neutral`` was an invariance failure ("neutral = pos") and a ``flip`` from ``pos`` to
  ``neutral`` a flip; both are now judged on the labels as mapped.  ``away`` (and ``up``,
  ``down``) read the probability of the classifier's own top label alone, not of the labels
  the map makes one with it: the mass moved from ``pos`` to ``neutral`` "fell"."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.errors import UsageError

NAMES = (
    'S -> "the" N "is" A\nN -> "Maria" | "John" | "Ali"\nA -> "good" | "bad"\n%invariant N\n'
    '%directional A: "good" -> "bad" flip\n'
)


def stars(batch: Sequence[str]) -> list[str]:  # Maria: neutral, Ali: neg, the rest pos
    return ["neutral" if "Maria" in s else "neg" if "Ali" in s else "pos" for s in batch]


def mood(batch: Sequence[str]) -> list[str]:  # bad reads as neutral, good as pos
    return ["pos" if "good" in s else "neutral" for s in batch]


stars.classes_ = mood.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("oracle", ["invariance", "directional"])
def test_a_map_making_every_label_one_is_refused(oracle: str, tmp_path: Path) -> None:
    one = {0: {"neg": "x", "neutral": "x", "pos": "x"}}
    with pytest.raises(UsageError) as got:
        assay.check_text(
            stars, grammar=NAMES, oracle=oracle, label_map=one, max_queries=200, seed=1,
            store=tmp_path / "runs.db",
        )  # fmt: skip
    said = str(got.value)
    assert "every label of stars (neg, neutral, pos) is one" in said, said
    assert "could never change" in said, said


def test_an_invariance_swap_between_labels_mapped_as_one_is_no_failure(tmp_path: Path) -> None:
    kw = {"grammar": NAMES, "oracle": "invariance", "max_queries": 300, "seed": 1}
    plain = assay.check_text(stars, store=tmp_path / "a.db", **kw).findings()
    pairs = {frozenset(n for n in ("Maria", "John", "Ali") if n in s + v) for s, v in
             zip(plain["sentence"], plain["variant"], strict=True)}  # fmt: skip
    assert frozenset({"Maria", "John"}) in pairs  # (unmapped: neutral is not pos)
    mapped = assay.check_text(
        stars, store=tmp_path / "b.db", label_map={0: {"neutral": "pos"}}, **kw
    ).findings()
    assert len(mapped) >= 1
    for s, v in zip(mapped["sentence"], mapped["variant"], strict=True):
        assert "Ali" in s + v, (s, v)  # Maria (neutral = pos) and John (pos) agree


def test_a_flip_between_labels_mapped_as_one_is_no_flip(tmp_path: Path) -> None:
    kw = {"grammar": NAMES, "oracle": "directional", "max_queries": 300, "seed": 1}
    plain = assay.check_text(mood, store=tmp_path / "a.db", **kw)
    assert plain.n_findings == 0, plain.headline  # pos -> neutral is a flip
    mapped = assay.check_text(
        mood, store=tmp_path / "b.db", label_map={0: {"neutral": "pos"}}, **kw
    )
    assert mapped.n_findings >= 1, mapped.headline  # pos -> neutral = pos is none


def leaning(batch: Sequence[str]) -> np.ndarray:  # neg, neutral, pos: bad moves pos to neutral
    return np.array([[0.1, 0.3, 0.6] if "good" in s else [0.1, 0.7, 0.2] for s in batch])


leaning.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]
AWAY = NAMES.replace("flip", "away")


def test_away_reads_the_probability_of_the_labels_mapped_as_one(tmp_path: Path) -> None:
    kw = {"grammar": AWAY, "oracle": "directional", "max_queries": 300, "seed": 1}
    plain = assay.check_text(leaning, store=tmp_path / "a.db", **kw)
    assert plain.n_findings == 0, plain.headline  # pos: 0.6 -> 0.2, away
    mapped = assay.check_text(
        leaning, store=tmp_path / "b.db", label_map={0: {"neutral": "pos"}}, **kw
    )
    assert mapped.n_findings >= 1, mapped.headline  # pos (with neutral): 0.9 -> 0.9
