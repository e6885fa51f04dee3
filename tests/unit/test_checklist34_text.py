"""A CheckList user's tests written as grammars (checklist34): what the sentences sent to the
classifiers hold, and what the findings say about the test that failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.flat import subtree_draft
from assay.text.flat import text as flat_text
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.grammar import parse_grammar
from assay.text.pipeline import WORKER_ENV

# CheckList's "add a smiley": an emoticon is a word of its own to a sentiment lexicon
SMILEY = """
s -> "the soup was" adj tail
adj -> "okay" | "fine" | "bland"
tail -> "" | ":)" | ":-(" | "!" | "..." | ", honestly"
%directional tail: "" -> ":)" up pos
"""


def _sentences(text: str, n: int = 400) -> set[str]:
    g = parse_grammar(text)
    sampler, draws = Sampler(g), Draws(np.random.default_rng(0))
    out = set()
    for _ in range(n):
        tree = sampler.sentence_tree(draws)
        out.add(tree_text(tree))
        assert flat_text(subtree_draft(tree)) == tree_text(tree)  # one rendering
    return out


def test_an_emoticon_keeps_its_space_and_punctuation_marks_do_not() -> None:
    got = _sentences(SMILEY)
    assert "the soup was okay :)" in got  # (was "okay:)": VADER reads it as "okay" alone)
    assert "the soup was bland :-(" in got
    assert "the soup was fine!" in got
    assert "the soup was fine..." in got
    assert "the soup was fine, honestly" in got
    # inside one terminal: a word of marks still goes with the word before it
    assert _sentences('s -> "so good ! :) ok"') == {"so good! :) ok"}


def _smiley_scorer(batch: list[str]) -> list[list[float]]:
    """Positive when the sentence holds the word ':)' (whitespace-split, as lexicons read)."""
    return [[0.2, 0.8] if ":)" in s.split() else [0.6, 0.4] for s in batch]


_smiley_scorer.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_adding_a_smiley_is_judged_on_the_smiley_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    result: Any = check_text(
        _smiley_scorer,
        grammar=SMILEY,
        oracle="directional",
        max_queries=200,
        seed=1,
        store=RunStore(tmp_path / "s.db"),
    )
    # before, every case failed: "okay:)" holds no ':)' word, so 'pos' never rose
    assert result.summary["metrics"]["cases judged"] == 3
    assert len(result.findings()) == 0
