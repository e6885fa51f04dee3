"""A clean run over a finite grammar says whether it tested every sentence of it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.text.api import check_text

GRAMMAR = """
S -> "the" N "is" ADJ
N -> "food" | "service" | "room"
ADJ -> "good" | "bad"
"""


class Same:
    capabilities = Capabilities(
        modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
    )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.array([[0.2, 0.8] if "good" in t else [0.7, 0.3] for t in texts])


def _headline(tmp_path: Path, max_queries: int) -> str:
    (tmp_path / "g.txt").write_text(GRAMMAR)
    r = check_text(
        [Same(), Same()],
        grammar=str(tmp_path / "g.txt"),
        max_queries=max_queries,
        seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )
    return str(r.headline)


def test_every_sentence_tested_is_said(tmp_path: Path) -> None:
    headline = _headline(tmp_path, 100)
    assert "every one of the grammar's 6 sentences was tested" in headline, headline


def test_part_of_the_language_is_not_a_proof(tmp_path: Path) -> None:
    headline = _headline(tmp_path, 3)
    assert "this does not show that none exists" in headline, headline


def test_the_resume_state_keeps_keys_of_sentences_not_the_sentences() -> None:
    """8 bytes a sentence asked (a long run's store stays bounded by its count, not by its
    sentences' length); state stored as texts by older versions still restores."""
    from assay.text.engine import key_set, text_key

    keys = np.array([text_key("the food is good"), text_key("x")], dtype=np.uint64)
    assert keys.itemsize == 8
    assert key_set(keys) == {text_key("the food is good"), text_key("x")}
    old = np.array(["the food is good", "x"], dtype=str)
    assert key_set(old) == key_set(keys)
    assert text_key("the food is good") == text_key("the food is good")  # every process
    assert text_key("the food is good") != text_key("the food is bad")


def test_a_metamorphic_search_that_runs_out_of_cases_says_so(tmp_path: Path) -> None:
    """An invariance class in a small slice of a small grammar: the search stops before its
    budget with nothing new to ask; the headline says why it stopped (it said only that
    nothing found is no proof, as if the budget had ended it)."""
    (tmp_path / "g.txt").write_text(
        'S -> "it was" ADJ | "the" N "was" ADJ\nN -> NAME | "food"\n'
        'NAME -> "Maria" | "John"\nADJ -> "good" | "bad"\n%invariant NAME\n'
    )
    r = check_text(
        [Same()],
        grammar=str(tmp_path / "g.txt"),
        oracle="invariance",
        max_queries=100,
        seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert r.progress["queries"] < 100 and r.n_findings == 0
    assert "ran out of new cases to ask before its budget" in r.headline, r.headline


def test_a_grammar_of_blank_sentences_is_not_said_to_be_tested(tmp_path: Path) -> None:
    """Every sentence blank: the headline says nothing was tested, and its clean clause does
    not contradict it (it said "every one of the grammar's 1 sentences was tested")."""
    (tmp_path / "g.txt").write_text('S -> " " | "  "\n')
    r = check_text(
        [Same(), Same()],
        grammar=str(tmp_path / "g.txt"),
        max_queries=50,
        seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )
    headline = str(r.headline)
    assert headline.startswith("NOTHING WAS TESTED"), headline
    assert "was tested" not in headline, headline
    assert "the grammar's one sentence was asked" in headline, headline  # (not "1 sentences")
