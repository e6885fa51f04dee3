"""strat33: where errors are common (the walk's exploring material drawn shorter), an
exploring walker sends only drafts that hold no known minimal error: such a draft fails as
that error does, almost surely, and shrinks to it (a duplicate, known before it is asked).
On main, most of a long run's queries went to such drafts (VADER against TextBlob, 20,000
queries: 60 % of the queries after the first 7,500), and the rate of new minimal errors
fell from 390 to 130 per 1,000 queries.  Also: the known minimal errors are looked up
through pairs of words for a case of few words (each draft is looked up now)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from test_strat32_measured_first import _engine as _strat32_engine

from assay.text.known import KnownErrors
from assay.text.walk import WalkStrategy


def _engine(novel: bool, other: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A search engine over the planted pair ``lexicon`` against ``other``, its walk
    sending only drafts of no known minimal error while exploring (``novel``) or not."""
    return _strat32_engine(4.0, other, monkeypatch, novel=novel)


def test_exploring_walkers_send_no_draft_holding_a_known_minimal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Errors common on this pair (exploring's material drawn shorter from the second
    round): the exploring walkers' proposals hold no known minimal error; without the
    check some do (main: moves that leave the walker's failing core alone, or that meet
    another known error)."""
    holding: dict[bool, int] = {}
    for novel in (False, True):
        engine = _engine(novel, "flipped_words", monkeypatch)
        engine.step()
        walk = engine.strategy
        assert walk._explore_brevity() >= 2.0 * walk.brevity  # measured: errors common
        out = walk.propose(engine, 10_000)
        exploring = [
            c
            for i, c in enumerate(out)
            if walk.owners[i] >= 0 and walk.errs[walk.owners[i]] and not walk.mode[walk.owners[i]]
        ]
        assert len(exploring) >= 30
        holding[novel] = sum(engine.known_core(c) is not None for c in exploring)
    assert holding[True] == 0
    assert holding[False] >= 10


def test_before_exploring_draws_shorter_the_walk_is_as_without_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Errors rarer on this pair: until the exponent of exploring's material is measured
    to at least double, the walk asks what it asks without the check, query for query."""
    asked: dict[bool, list[Any]] = {}
    for novel in (False, True):
        engine = _engine(novel, "negation_blind", monkeypatch)
        rounds = []
        walk = engine.strategy
        while walk._explore_brevity() < 2.0 * walk.brevity:
            engine.step()
            rounds.append((engine.model.queries, sorted(engine.minimal)))
        asked[novel] = rounds
    assert len(asked[True]) >= 2
    assert asked[True] == asked[False]


def test_harvest_and_explore_never_check() -> None:
    assert WalkStrategy().novel
    assert not WalkStrategy(harvest=True).novel
    assert not WalkStrategy(harvest=False).novel
    assert not WalkStrategy(novel=False).novel


def _brute(entries: list[tuple[str, str]], text: str, sig: str | None) -> str | None:
    """The smallest known error (words, then signature's first sight, then order found)
    failing as ``sig`` whose words ``text`` keeps in order: by a scan of all of them."""
    order: dict[str, int] = {}
    for _, s in entries:
        order.setdefault(s, len(order))
    have = text.split()
    best = None
    for i, (key, s) in enumerate(entries):
        if sig is not None and s != sig:
            continue
        words = key.split()
        it = iter(have)
        if all(w in it for w in words):
            rank = (len(words), order[s], i)
            if best is None or rank < best[0]:
                best = (rank, key)
    return None if best is None else best[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_known_errors_answer_as_a_scan_of_all_of_them(seed: int) -> None:
    """Through the files of pairs (few words) or of single words (many), the answer is
    the one a scan of every known error gives."""
    rng = np.random.default_rng(seed)
    vocab = ["the", "food", "was", "not", "good", "bad", "very", "and", "but", "i", "a.", "b,"]
    known = KnownErrors()
    entries: list[tuple[str, str]] = []
    for _ in range(300):
        n = int(rng.integers(1, 6))
        key = " ".join(rng.choice(vocab, size=n).tolist())
        if key in {k for k, _ in entries}:
            continue
        sig = f"s{int(rng.integers(0, 3))}"
        known.add(key, sig, "\x1f")
        entries.append((key, sig))
    for _ in range(400):
        n = int(rng.integers(1, 20))  # past 12 distinct words: the files of single words
        text = " ".join(rng.choice([*vocab, "x", "y", "z", "w"], size=n).tolist())
        for sig in (None, "s0", "s2"):
            assert known.within([text], sig) == _brute(entries, text, sig), (text, sig)


def test_a_short_case_looks_at_few_of_many_errors_sharing_its_words() -> None:
    """4,800 known errors over a small vocabulary ("the n1 was q3.", as a review grammar's
    shortest errors are): every word is in hundreds of them, so a short case looked at
    143 and 217 of them through the files of its single words; through its pairs of words
    it looks at a few dozen, with the same answers."""
    known = KnownErrors()
    for d, n, b, q in itertools.product(
        ("the", "my", "this", "our"),
        [f"n{i}" for i in range(10)],
        ("was", "is", "seems", "felt"),
        [f"q{j}." for j in range(30)],
    ):
        known.add(f"{d} {n} {b} {q}", "s", "\x1f")
    cases = ["the n1 was not q3.", "my n7 is very q9."]
    assert sum(len(known._candidates(known.have(c.split()))) for c in cases) <= 100
    assert known.within([cases[0]], None) == "the n1 was q3."
    assert known.within([cases[1]], "s") == "my n7 is q9."
    assert known.within(["i do not like the n4."], None) is None
    # (the first found of the smallest: "the" came before "my")
    assert known.within(["sadly, my n7 is so very q9. and the n1 was q3."], "s") == "the n1 was q3."
