"""Grammars of tens of thousands of alternatives (a vocabulary, a list of sentences) cost the
search what a draw costs, not what the grammar weighs: a word swap draws its new word without
listing the category, shrinking finds a subtree's viable alternatives through an index, and
a checkpoint holds the productions the run used, not every one of the grammar's.  Each
shortcut gives what the plain computation gives (checked against it here)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest

import assay.text.shrink as shrink
from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.text.api import setup_text
from assay.text.flat import flatten
from assay.text.generate import Draws, Sampler
from assay.text.grammar import Grammar, parse_grammar
from assay.text.moves import _pick_cum, swap_word_at
from assay.text.oracle import Case
from assay.text.vocab import Vocab

WORDS = 50_000


def _vocabulary_grammar(n: int = WORDS) -> Grammar:
    words = " | ".join(f"'w{i}'" for i in range(n))
    return parse_grammar(
        f"s -> 'the' W 'was' neg q '.'\nneg -> '' | 'not'\nq -> 'good' | 'bad'\nW -> {words}\n"
    )


def _sentences_grammar(n: int = WORDS) -> Grammar:
    """One rule of ``n`` whole sentences sharing their first words (as ``big.cfg`` of the
    fifteenth session's review)."""
    alts = " | ".join(
        f"'sentence number {i} was {'not bad' if i % 2 else 'good'}'" for i in range(n)
    )
    return parse_grammar(f"s -> {alts}\n")


class _Refocusing:
    """An oracle for the shrinker alone: its grammar, and a case for each edited tree."""

    def __init__(self, g: Grammar) -> None:
        self.g = g

    def refocus(self, case: Case, tree: Any, draft: Any = None) -> Case:
        return Case(tree, draft=draft)


class _Engine:
    """What ``swap_word_at`` reads of an engine."""

    def __init__(self, g: Grammar, seed: int = 0) -> None:
        self.g = g
        self.sampler = Sampler(g)
        self.draws = Draws(np.random.default_rng(seed))
        self._lasting: dict[Any, Any] = {}
        self.vocab = Vocab(g)

    def lasting(self, what: str, case: Case, make: Any) -> Any:
        key = (what, id(case))
        if key not in self._lasting:
            self._lasting[key] = (case, make(case))
        return self._lasting[key][1]

    def flatten_case(self, case: Case) -> Any:
        return flatten(case.tree, self.vocab)

    def drafted_case(self, case: Case, path: Any, new: Any, draft: Any) -> Case:
        return Case(new, draft=draft)


@pytest.mark.pure_text
def test_a_word_swap_in_a_category_of_50000_words_costs_a_draw_not_a_scan() -> None:
    """The fifteenth session's review: 20,000 queries took 160 s, the walk's swaps listing
    and summing the 50,000 words of the category for each swap (280 M steps).  Counted: the
    weights the swaps read (each category's sums made once per weights array), not seconds
    (``bench/unit_speeds.py`` prints those)."""
    g = _vocabulary_grammar()
    engine = _Engine(g)
    case = Case(engine.sampler.sentence_tree(engine.draws))
    bound = 5 * WORDS  # four weights arrays summed once each, and a few reads a swap
    weights = (np.random.default_rng(1).random(g.n_productions) + 0.1).view(_CountedReads)
    _CountedReads.reads, _CountedReads.bound = 0, bound
    swapped = 0
    for k in range(2_000):
        # a fresh weights array every 500 swaps, as a walk's rounds make theirs
        if k % 500 == 0:
            weights = weights.copy()
        cand, _path = swap_word_at(engine, case, weights, unjudged=True)  # type: ignore[arg-type]
        if cand is not None:
            swapped += 1
    assert swapped == 2_000
    # (measured: 201,349; listing the category for each swap: 50,000 a swap)
    assert 4 * WORDS <= _CountedReads.reads < bound, _CountedReads.reads


class _CountedReads(np.ndarray):
    """A weights array counting the values read from it (an over-long count fails at once,
    rather than after the minutes a scan for each swap takes)."""

    reads = 0
    bound = 0

    def __getitem__(self, key: Any) -> Any:
        got = np.ndarray.__getitem__(self, key)
        _CountedReads.reads += int(np.size(got))
        if _CountedReads.reads > _CountedReads.bound:
            raise AssertionError(f"over {_CountedReads.bound:,} weights read")
        return got.view(np.ndarray) if isinstance(got, np.ndarray) else got


def test_the_drawn_word_is_the_one_the_listed_draw_gives() -> None:
    """Uniform: the same word as drawing from the list of the others (the same stream: the
    runs of Ogma and of small categories find what they found).  Weighted (a category of
    more than ``MANY_WORDS``): never the word itself, and each other word in proportion to
    its weight."""
    from assay.text.moves import MANY_WORDS, _pick_cum_without

    rng = np.random.default_rng(3)
    for n in (2, 3, 65, 300):
        choices = list(range(n))
        weights = rng.random(n) + 0.05
        cum = np.cumsum(weights)
        for at in (0, 1, n // 2, n - 1):
            others = [q for q in choices if q != at]
            ocum = list(itertools.accumulate(float(weights[x]) for x in others))
            for u in [*rng.random(200).tolist(), 0.0, 1.0 - 1e-16]:
                k = min(int(u * (n - 1)), n - 2)
                assert choices[k + (k >= at)] == others[k]
                got = _pick_cum_without(cum, at, u)
                want = others[_pick_cum(ocum, u)]
                assert got != at
                assert got == want or abs(float(cum[got]) - float(cum[want])) < 1e-9 * cum[-1]
    # the draw's distribution over a large category
    n = 400
    weights = np.ones(n)
    weights[7] = 50.0
    cum = np.cumsum(weights)
    drawn = np.bincount([_pick_cum_without(cum, 3, u) for u in rng.random(20_000)], minlength=n)
    assert drawn[3] == 0
    share = drawn[7] / drawn.sum()
    assert abs(share - 50.0 / (50.0 + n - 2)) < 0.02
    assert MANY_WORDS < 300


def test_the_steered_weights_of_a_large_symbol_are_the_plain_sums() -> None:
    """Summed in numpy for a symbol of many alternatives: bit for bit the sums in order."""
    g = _sentences_grammar(3_000)
    sampler = Sampler(g)
    bias = np.random.default_rng(5).random(g.n_productions) * 9.9 + 0.1
    prods = sampler.choices(g.start, sampler.max_depth)[0]
    plain = list(itertools.accumulate(g.weights[q] * float(bias[q]) for q in prods))
    assert np.asarray(sampler._steered_cum(prods, bias)).tolist() == plain
    # and the unsteered draw, by bisection, is the scan it replaced
    draws, again = Draws(np.random.default_rng(6)), Draws(np.random.default_rng(6))
    cum = sampler.choices(g.start, sampler.max_depth)[1]
    for _ in range(200):
        u = again.next() * cum[-1]
        k = 0
        while k < len(cum) - 1 and cum[k] <= u:
            k += 1
        assert sampler.tree(g.start, sampler.max_depth, draws)[0] == prods[k]


def count_viable(monkeypatch: Any) -> list[int]:
    """``Shrinker._viable`` patched to count the alternatives it hands on (in the list's one
    item): what shrinking looks at, counted where seconds would be timed."""
    looked = [0]
    viable = shrink.Shrinker._viable

    def counted(self: Any, s: int, kids: Any, sub: Any) -> Any:
        got = viable(self, s, kids, sub)
        looked[0] += len(got)
        return got

    monkeypatch.setattr(shrink.Shrinker, "_viable", counted)
    return looked


@pytest.mark.pure_text
def test_shrinking_among_50000_sentences_of_one_first_word_uses_the_index(
    monkeypatch: Any,
) -> None:
    """Indexed by its first word, every one of the 50,000 sentences shared 'sentence': each
    failing sentence's shrinking scanned them all (1.4 s a case).  Indexed by its rarest
    word, the candidates are the full scan's, found looking at a few of the alternatives
    where the scan looks at every one (counted: the alternatives ``_viable`` hands on, the
    index's own making aside; ``bench/unit_speeds.py`` prints the seconds)."""
    n = 20_000
    g = _sentences_grammar(n)
    sampler = Sampler(g)
    trees = [(p, g.productions[p][1]) for p in range(1, n, n // 20)]
    looked = count_viable(monkeypatch)

    def candidates(full: bool) -> tuple[list[str], int]:
        monkeypatch.setattr(shrink, "MANY_ALTERNATIVES", 10**9 if full else 64)
        shrinker = shrink.Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
        shrinker.candidates(Case((0, g.productions[0][1])))  # the index is made
        looked[0] = 0
        out = [repr(c.tree) for t in trees for c in shrinker.candidates(Case(t))]
        return out, looked[0]

    indexed, few = candidates(full=False)
    scanned, every = candidates(full=True)
    assert indexed == scanned
    # (measured: 20 and 400,000: one alternative and 20,000 for each of the 20 cases)
    assert 0 < few * 100 < every, (few, every)


def test_the_rarest_word_index_finds_what_a_scan_finds_on_a_mixed_symbol(
    monkeypatch: Any,
) -> None:
    """Alternatives with symbols, shared words, empty terminals and several words per
    terminal: the index leaves out none that a scan keeps."""
    rng = np.random.default_rng(8)
    vocab = ["a", "b", "c", "d", "e", "big red", ""]
    alts = []
    for i in range(300):
        items = [f"'{w}'" for w in rng.choice(vocab, size=rng.integers(1, 4))]
        if i % 3 == 0:
            items.insert(int(rng.integers(0, len(items) + 1)), "x")
        if i % 7 == 0:
            items.append("y")
        alts.append(" ".join(items))
    text = f"s -> {' | '.join(alts)}\nx -> 'a' | 'e' s2\ny -> '' | 'c'\ns2 -> 'b' | 'd'\n"
    g = parse_grammar(text)
    sampler = Sampler(g)
    draws = Draws(np.random.default_rng(9))
    cases = [Case(sampler.sentence_tree(draws)) for _ in range(200)]

    def candidates(full: bool) -> list[str]:
        monkeypatch.setattr(shrink, "MANY_ALTERNATIVES", 10**9 if full else 64)
        shrinker = shrink.Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
        return [repr(c.tree) for case in cases for c in shrinker.candidates(case)]

    indexed = candidates(full=False)
    assert indexed == candidates(full=True) and len(indexed) > 100


FAKES_LIKE = """
def careful(batch):
    return ["pos" if "good" in s and "not" not in s else "neg" for s in batch]
careful.classes_ = ["neg", "pos"]

def naive(batch):
    return ["pos" if "good" in s else "neg" for s in batch]
naive.classes_ = ["neg", "pos"]
"""


def _setup_of(tmp_path: Any, grammar_text: Any) -> Any:
    clf = tmp_path / "clf.py"
    clf.write_text(FAKES_LIKE)
    return setup_text([f"{clf}:careful", f"{clf}:naive"], grammar=grammar_text)


def _engine_of(tmp_path: Any, grammar_text: Any) -> Any:
    setup = _setup_of(tmp_path, grammar_text)
    model = BudgetedModel(setup.model, max_queries=100_000)
    return setup.test.search(model, np.random.default_rng(0)).engine


def test_a_checkpoint_holds_the_productions_used_not_the_grammar(tmp_path: Any) -> None:
    """One-alternative rules (50,000 in the review): each checkpoint's values held two lists
    of a count per production, deep-copied and written at every checkpoint (0.43 s each)."""
    n = 20_000
    rules = "\n".join(f"r{i} -> 'item {i} is' q" for i in range(n))
    text = (
        f"s -> {' | '.join(f'r{i}' for i in range(n))}\n{rules}\nq -> 'good' | 'bad' | 'not good'\n"
    )
    engine = _engine_of(tmp_path, text)
    for _ in range(4):
        engine.step()
    snap = engine.snapshot()
    # (the walk's own state holds its walkers' and recent errors' sentences: bounded)
    values = json.dumps({k: v for k, v in snap.values.items() if k != "strategy"})
    assert len(values) < 20_000, len(values)  # was > 120 kB
    used = snap.arrays["prod_used"]
    assert 0 < len(used) < 5_000
    assert int(snap.arrays["prod_n"].sum()) == int(engine.prod_n.sum())
    again = _engine_of(tmp_path, text)
    again.restore(Snapshot(values=snap.values, arrays=snap.arrays, appends=dict(snap.appends)))
    assert np.array_equal(again.prod_n, engine.prod_n)
    assert np.array_equal(again.prod_err, engine.prod_err)
    assert again.words == engine.words


SMALL = "s -> 'the food was' neg q\nneg -> '' | 'not'\nq -> 'good' | 'bad'\n"


def test_a_state_stored_with_every_count_in_values_still_restores(tmp_path: Any) -> None:
    engine = _engine_of(tmp_path, SMALL)
    engine.step()
    snap = engine.snapshot()
    old = dict(snap.values)
    old.pop("words_json")
    old["words"] = engine.words
    old["prod_n"] = engine.prod_n.tolist()
    old["prod_err"] = engine.prod_err.tolist()
    again = _engine_of(tmp_path, SMALL)
    again.restore(Snapshot(values=old, appends=dict(snap.appends)))
    assert np.array_equal(again.prod_n, engine.prod_n)
    assert np.array_equal(again.prod_err, engine.prod_err)
    assert again.words == engine.words


def test_a_units_statistics_hold_the_productions_used_and_merge_as_before(
    tmp_path: Any,
) -> None:
    """A unit's summary carried a count per production of the grammar; now the ones it
    used.  Merged, the summary is the one a summary of every count (as stored before)
    gives."""
    from assay.text.units import UNIT_STATS, merge_summaries, unit_stats

    grammar = _vocabulary_grammar(2_000)
    engines = [_engine_of(tmp_path, grammar) for _ in range(2)]
    for e in engines:
        e.step()
    stats = [unit_stats(e) for e in engines]
    assert len(stats[0]["prod_n"]) == len(stats[0]["prod_used"]) < engines[0].g.n_productions
    dense = [
        {**s, "prod_n": e.prod_n.tolist(), "prod_err": e.prod_err.tolist()}
        for s, e in zip(stats, engines, strict=True)
    ]
    for d in dense:
        d.pop("prod_used")
    test = _setup_of(tmp_path, grammar).test
    new = merge_summaries(test, [{UNIT_STATS: s} for s in stats], [])
    old = merge_summaries(test, [{UNIT_STATS: d} for d in dense], [])
    assert json.dumps(new, sort_keys=True, default=str) == json.dumps(
        old, sort_keys=True, default=str
    )
