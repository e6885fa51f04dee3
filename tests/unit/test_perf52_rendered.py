"""A draft's sentence's words as ids from its words' ids (perf52): ``Vocab.rendered`` is
``generate.detok``'s rule for ASCII on ids (a word's parts at its spaces; a part made only of
``,.!?;:`` joins the one before it), so the engine matches a case's known minimal errors on
its draft's ids (``KnownErrors.within_ids``) with no sentence split.  Each is checked against
what the sentence's split gives (the old reading), on tricky words and on a run's cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_perf51c_ids import _engine

from assay.text.flat import Draft
from assay.text.flat import text as flat_text
from assay.text.generate import Draws
from assay.text.known import KnownErrors
from assay.text.oracle import Case
from assay.text.segment import Words
from assay.text.vocab import Vocab

# each: the words of a draft (terminals, some of several parts, some of punctuation alone)
TRICKY = [
    ["a"],
    [",", "a"],
    ["a", ","],
    ["a", ",", "."],
    ["a", "...", "b", "?!"],
    ["i think", ",", "b"],
    ["i think ,", "b", "."],
    ["a", ", b"],
    [", b", "c"],
    ["a", ",x"],
    ["x", "a."],
    ["fine", ":)"],
    ["wait", ":", ";", "c d e", "!"],
    ["a", "b", "."],
    ["."],
    [". ,", "."],
]
# words the rule does not cover (the sentence is split instead)
UNCOVERED = [["a  b"], [" a", "b"], ["a\tb"], ["caf\u00e9", "."], ["a", ""], ["a\x1fb"]]


def _split_ids(vocab: Vocab, words: list[str]) -> list[int]:
    """The old reading: the draft's sentence (``flat.text``) split, each word looked up."""
    get = vocab.ids.get
    return [get(w, -1) for w in flat_text(Draft([], tuple(words))).split()]


@pytest.mark.parametrize("words", TRICKY)
def test_rendered_ids_are_the_split_sentences_words(words: list[str]) -> None:
    """Parts joined by the rule read as the word the split gives (-1 while never interned,
    its id once it is); parts of a word of several read as their own ids."""
    vocab = Vocab()
    ids = vocab.of(words)
    assert vocab.rendered(ids) == _split_ids(vocab, words)
    for w in flat_text(Draft([], tuple(words))).split():  # every rendered word interned
        vocab.id(w)
    assert vocab.rendered(ids) == _split_ids(vocab, words)
    assert -1 not in _split_ids(vocab, words)


@pytest.mark.parametrize("words", UNCOVERED)
def test_a_word_the_rule_does_not_cover_gives_none(words: list[str]) -> None:
    vocab = Vocab()
    assert vocab.rendered(vocab.of(["a", *words])) is None
    assert vocab.rendered(vocab.of(["a", "b"])) == list(vocab.of(["a", "b"]))


def _compiled() -> bool:
    from assay.text import engine

    return not str(engine.__file__).endswith(".py")


@pytest.mark.skipif(_compiled(), reason="patches the engine's methods (pure build only)")
def test_the_engine_matches_known_errors_on_draft_ids_as_on_split_sentences() -> None:
    """A run's known-error checks of drafted cases go by the drafts' ids, and give what the
    split sentences give, for every case the run checked and for random ones."""
    engine = _engine(seed=3)
    known = engine._known
    calls: dict[str, int] = {"within": 0, "within_ids": 0}
    checked: list[tuple[Any, str | None]] = []
    within, within_ids = known.within, known.within_ids

    def by_texts(texts: list[str], sig: str | None) -> str | None:
        calls["within"] += 1
        return within(texts, sig)

    def by_ids(ids: list[list[int]], sig: str | None) -> str | None:
        calls["within_ids"] += 1
        return within_ids(ids, sig)

    original = engine._known_within

    def record(case: Any, sig: str | None) -> str | None:
        checked.append((case, sig))
        return original(case, sig)

    known.within, known.within_ids = by_texts, by_ids
    engine._known_within = record
    for _ in range(6):
        engine.step()
    known.within, known.within_ids = within, within_ids
    assert len(known) >= 20
    # (a case with no draft goes by its texts: ``within``, which calls ``within_ids`` too)
    assert calls["within_ids"] - calls["within"] > 20 * calls["within"]
    vocab, split = engine.vocab, Words(engine.g).words
    get = vocab.ids.get
    draws = Draws(np.random.default_rng(5))
    drafted = [c for c, _ in checked if c.draft is not None and c.draft.ids is not None]
    sigs = [None, *dict.fromkeys(str(r["signature"]) for r in engine.minimal.values())]
    assert len(drafted) > 50
    for j, case in enumerate(drafted):
        texts = engine.texts(case)
        ids = vocab.rendered(case.draft.ids)
        assert ids == [get(w, -1) for w in split(texts[0])], texts
        sig = sigs[j % len(sigs)]
        assert known.within_ids([ids], sig) == known.within(texts, sig)
        assert engine._known_within(case, sig) == known.within(texts, sig)
    _random_drafts_match(engine, draws)


def _random_drafts_match(engine: Any, draws: Draws) -> None:
    """For 200 random drafts, ``rendered`` is the split and ``within_ids`` is ``within``."""
    known, vocab, split = engine._known, engine.vocab, Words(engine.g).words
    get = vocab.ids.get
    hits = 0
    for _ in range(200):
        flat = engine.flatten_case(Case(engine.sampler.sentence_tree(draws)))
        ids = vocab.rendered(flat.ids)
        assert ids == [get(w, -1) for w in split(flat_text(flat))]
        for sig in (None, *dict.fromkeys(str(r["signature"]) for r in engine.minimal.values())):
            got = known.within_ids([ids], sig)
            assert got == known.within([flat_text(flat)], sig)
            hits += got is not None
    assert hits


def test_random_drafts_match_known_errors_by_ids_as_by_split_sentences() -> None:
    """(In either build.)  A run's known errors, matched against random drafts' ids."""
    engine = _engine(seed=4)
    for _ in range(6):
        engine.step()
    assert len(engine._known) >= 20
    _random_drafts_match(engine, Draws(np.random.default_rng(7)))


def test_within_ids_is_within_for_errors_of_glued_words() -> None:
    """An error whose words are glued ("good," "bad.") is held by a draft whose parts the
    rule joins into them, and not by one that leaves them apart."""
    vocab = Vocab()
    known = KnownErrors(vocab=vocab)
    known.add("good, bad.", "s", "\n")
    held = vocab.rendered(vocab.of(["very", "good", ",", "so", "bad", "."]))
    apart = vocab.rendered(vocab.of(["good", "so", "bad", "."]))
    assert held is not None and apart is not None
    assert known.within_ids([held], "s") == known.within(["very good, so bad."], "s")
    assert known.within_ids([held], "s") == "good, bad."
    assert known.within_ids([apart], "s") is None
