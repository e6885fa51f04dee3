"""Cheaper drafts (perf53): a draft's sentence from its words' pieces (``Vocab.text``, no
regex), a drafted case made without the frozen dataclass's ``__init__``, and the subtrees a
walker in the error region may re-derive found in plain Python (``walk._keepable``).  Each
is checked against what it replaced: ``flat.text`` (``detok`` of the words joined), a
``Case(tree, draft=draft)``, and numpy's ``maximum.reduceat`` over the subtrees' ranges."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_perf51c_ids import _engine
from test_perf52_rendered import TRICKY, UNCOVERED

from assay.text.flat import Draft, replaced, subtree_draft
from assay.text.flat import text as flat_text
from assay.text.generate import Draws
from assay.text.oracle import Case
from assay.text.vocab import Vocab
from assay.text.walk import _keepable, _movable

MORE = [  # beside perf52's: marks first, runs of glued parts, a word ending in marks
    [],
    ["!", "a"],
    [", .", "a", "b ,", "?"],
    ["a ,", ", b", "!"],
    ["ok,", "then", "..."],
    ["a", ",", "b", ";", ":", "c"],
    [":)", ","],
    ["x"] * 40 + [","],
]


@pytest.mark.parametrize("words", TRICKY + MORE)
def test_the_sentence_from_pieces_is_the_drafts_text(words: list[str]) -> None:
    vocab = Vocab()
    assert vocab.text(vocab.of(words)) == flat_text(Draft([], tuple(words)))


@pytest.mark.parametrize("words", UNCOVERED)
def test_a_word_the_rule_does_not_cover_gives_no_sentence(words: list[str]) -> None:
    vocab = Vocab()
    assert vocab.text(vocab.of(["a", *words])) is None
    assert vocab.text(vocab.of(["a", "b", ","])) == "a b,"


def test_random_words_of_marks_and_letters_give_the_drafts_text() -> None:
    """2,000 drafts of words drawn from letters, marks and spaces (a word of several parts,
    glued runs, marks first and last) against ``detok`` of the words joined."""
    rng = np.random.default_rng(53)
    parts = ["a", "bc", ",", ".", "!", "?!", "...", ";", ":", ":)", "a,", ",a", "-"]
    vocab = Vocab()
    for _ in range(2000):
        words = [
            " ".join(rng.choice(parts, size=int(rng.integers(1, 4))).tolist())
            for _ in range(int(rng.integers(0, 7)))
        ]
        assert vocab.text(vocab.of(words)) == flat_text(Draft([], tuple(words))), words


def _old_keepable(engine: Any, case: Case, bias: np.ndarray) -> list[Any]:
    """``_keepable`` as it was before (numpy's ``reduceat`` over each subtree's range)."""
    spots = _movable(engine, case)
    if not spots:
        return []
    flat = engine.flatten_case(case)
    prods = np.asarray([*flat.prods, 0], dtype=np.int64)
    bounds = np.asarray([x for sp in spots for x in (sp[3], flat.end[sp[3]])], dtype=np.int64)
    top = np.maximum.reduceat(bias[prods], bounds)[::2]
    return [sp for sp, ok in zip(spots, (top <= 1.0).tolist(), strict=True) if ok]


def test_a_runs_drafts_sentences_cases_and_keepable_subtrees() -> None:
    """On a run's engine: random sentences and their re-derived drafts give ``flat.text``
    by pieces; a drafted case equals (and hashes as) the case made by ``Case``, its fields
    in the same order; the keepable subtrees are those numpy's ``reduceat`` kept, for
    biases around 1 (some subtrees kept, some not)."""
    engine = _engine(seed=5)
    for _ in range(3):
        engine.step()
    draws = Draws(np.random.default_rng(11))
    rng = np.random.default_rng(12)
    n_prod = engine.g.n_productions
    kept = dropped = drafted = 0
    for _ in range(300):
        case = Case(engine.sampler.sentence_tree(draws))
        flat = engine.flatten_case(case)
        assert engine.vocab.text(flat.ids) == flat_text(flat)
        spots = _movable(engine, case)
        if spots:
            path, p, depth, at = spots[draws.below(len(spots))]
            new = engine.sampler.tree(engine.g.productions[p][0], 24 - depth, draws)
            sub = subtree_draft(new, engine.vocab)
            draft = replaced(flat, at, sub.prods, sub.words, sub.ids)
            assert engine._text_of(draft) == flat_text(draft)
            made = engine.drafted_case(case, path, new, draft)
            if made is not None:
                drafted += 1
                want = Case(made.tree, draft=draft)
                assert made == want and hash(made) == hash(want)
                assert list(vars(made).items()) == list(vars(want).items())
                assert engine.case_key(made) == engine.case_key(want)
        bias = np.exp(rng.normal(0.0, 0.5, n_prod))
        got, old = _keepable(engine, case, bias), _old_keepable(engine, case, bias)
        assert got == old
        kept += len(got)
        dropped += len(spots) - len(got)
    assert kept and dropped and drafted > 100
