"""A weighted recursion (``C -> C "and" C [50] | "the food was" Q [1]``) doubles a sentence
at nearly every level down to ``--max-depth``: about 7.5 million words a sentence at the
default depth.  Loading such a grammar ran for over five minutes in 1.5 GB, printing
nothing past "loading ..."; it is refused on load, naming the production (hostile41t)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assay.text.builtin_grammars import builtin_grammar_path
from assay.text.grammar import load_grammar, parse_grammar
from assay.text.sizes import LONGEST_MEAN, mean_words

RECURSIVE = 'S -> C "."\nC -> C "and" C [50] | "the food was" Q [1]\nQ -> "good" | "bad"\n'
CLASSIFIER = "def lab(batch):\n    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"


def test_the_mean_follows_the_weights_and_the_depth() -> None:
    g = parse_grammar(RECURSIVE, source="rec.cfg")
    assert mean_words(g, 24) > 100 * LONGEST_MEAN
    assert mean_words(g, 24, weighted=False) < LONGEST_MEAN  # alike: a branch in two
    assert mean_words(g, 3) == pytest.approx(5.0)  # "the food was Q ." (no room to recurse)


@pytest.mark.parametrize("name", ["reviews", "names", "topics"])
def test_the_built_in_grammars_are_far_below_the_bound(name: str) -> None:
    assert mean_words(load_grammar(str(builtin_grammar_path(name))), 24) < 100


def test_such_a_grammar_is_refused_on_load_naming_its_production(tmp_path: Path) -> None:
    (tmp_path / "rec.cfg").write_text(RECURSIVE)
    (tmp_path / "clf.py").write_text(CLASSIFIER)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assay", "text", "clf.py:lab", "--grammar", "rec.cfg",
             "--oracle", "differential", "--max-queries", "300", "--seed", "1",
             "--store", "s.db", "builtin:tfidf"],
            cwd=tmp_path, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("loading the grammar did not end within 240 s")
    assert done.returncode == 2, done.stderr
    assert 'C -> C "and" C is drawn 98% of the time' in done.stderr, done.stderr
    assert "rec.cfg:2:" in done.stderr and "--max-depth" in done.stderr
