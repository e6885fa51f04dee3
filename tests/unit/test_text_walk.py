"""Pieces of the default text search: the surrogate's solver and state, compact checkpoints
of cases, and the joined-text memo (each checked against the plain computation)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from assay.text.flat import text as flat_text
from assay.text.generate import Draws, Sampler, detok, tree_text, tree_words
from assay.text.grammar import load_grammar
from assay.text.moves import _case_from, _case_json
from assay.text.oracle import Case
from assay.text.walk import WalkStrategy, _conjugate_gradient, _pack, _unpack

from test_text_large_grammars import count_viable  # isort: skip


class _Refocusing:
    """An oracle for the shrinker alone: its grammar, and a case for each edited tree."""

    def __init__(self, g: Any) -> None:
        self.g = g

    def refocus(self, case: Case, tree: Any, draft: Any = None) -> Case:
        return Case(tree, draft=draft)


def test_conjugate_gradient_solves_the_ridge_system() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(400, 60)).astype(np.float64)
    y = rng.random(400)
    gram, b = x.T @ x, x.T @ y
    want = np.linalg.solve(gram + 1.0 * np.eye(60), b)
    got = _conjugate_gradient(gram, 1.0, b, None, steps=200)
    assert np.allclose(got, want, atol=1e-6)
    # warm start from the answer: already there
    assert np.allclose(_conjugate_gradient(gram, 1.0, b, want, steps=1), want, atol=1e-6)


def test_packed_arrays_come_back_bit_for_bit() -> None:
    a = np.random.default_rng(1).standard_normal(50) * 1e-300
    assert np.array_equal(_unpack(_pack(a)), a)


def test_cases_survive_their_checkpoint_text() -> None:
    g = load_grammar("builtin:names")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(2))
    for _ in range(200):
        case = Case(sampler.sentence_tree(draws), (0, 1), 3)
        back = _case_from(_case_json(case))
        assert back == case
    assert _case_from(None) is None


def test_joined_text_equals_the_plain_join() -> None:
    punct = re.compile(r" ([,.!?;:])")
    for name in ("reviews", "names", "topics"):
        g = load_grammar(f"builtin:{name}")
        sampler, draws = Sampler(g), Draws(np.random.default_rng(3))
        for _ in range(2000):
            tree = sampler.sentence_tree(draws)
            plain = " ".join(w for w in tree_words(tree) if w)
            assert tree_text(tree) == punct.sub(r"\1", plain)
            assert detok(plain) == punct.sub(r"\1", plain)


def test_walk_state_with_the_surrogate_round_trips() -> None:
    w = WalkStrategy(screen=2)
    w.gram = np.arange(16, dtype=np.float64).reshape(4, 4)
    w.target = np.ones(4)
    w.weights = np.full(4, 0.5)
    w.seen = (30, 25)
    again = WalkStrategy(screen=2)
    again.load(w.state())
    assert again.gram is not None and np.array_equal(again.gram, w.gram)
    assert again.weights is not None and np.array_equal(again.weights, w.weights)
    assert again.seen == (30, 25)


def test_shrinking_candidates_remove_words_and_know_their_text() -> None:
    """Candidates of sentences holding multi-word terminals ('a bit', 'did not') and empty
    ones: each keeps a subsequence of the sentence's words (shrinking never brings words in),
    and the text the shrinker hands to ``tree_text`` is the text joined from scratch."""
    import assay.text.generate as generate
    from assay.text.shrink import Shrinker

    g = load_grammar("builtin:reviews")
    sampler = Sampler(g)
    draws = Draws(np.random.default_rng(3))

    shrinker = Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
    multi = 0
    for _ in range(300):
        case = Case(sampler.sentence_tree(draws))
        words = " ".join(tree_words(case.tree)).split()
        multi += any(" " in w for w in tree_words(case.tree))
        cands = shrinker.candidates(case)
        # one candidate per smaller sentence (its words, spaces and empty words aside)
        texts = [" ".join(" ".join(tree_words(c.tree)).split()) for c in cands]
        sizes = [len(t.split()) for t in texts]
        assert len(set(zip(texts, sizes, strict=True))) == len(texts), texts
        for cand in cands:
            told = tree_text(cand.tree)
            generate._JOINED.clear()
            assert told == tree_text(cand.tree)
            # the candidate's flat lists (``flat.Draft``): the tree's productions and text
            assert cand.draft is not None
            assert cand.draft.prods == _plain_productions(cand.tree)
            assert flat_text(cand.draft) == told
            it = iter(words)
            kept = " ".join(tree_words(cand.tree)).split()
            assert all(any(w == x for x in it) for w in kept), (kept, words)
    assert multi > 20  # the check did meet multi-word terminals


@pytest.mark.pure_text
def test_a_symbol_of_many_alternatives_shrinks_as_a_full_scan_does(monkeypatch: Any) -> None:
    """A vocabulary of 100,000 alternatives made shrinking scan all of them for every
    subtree (2,000 queries took minutes); the index of them gives the same candidates,
    looking at a few of the 5,000 alternatives where the scan looks at every one (counted:
    the alternatives ``_viable`` hands on, not seconds)."""
    import assay.text.shrink as shrink
    from assay.text.grammar import parse_grammar

    words = " | ".join(f"'w{i}'" for i in range(5000))
    text = (
        "s -> 'the' x 'is' q | 'the' x 'and' x 'are' q | s2\n"
        f"x -> {words} | 'big' x | y\ny -> 'a' z | 'an' z 'one'\nz -> 'red' | '' | 'blue'\n"
        "s2 -> 'it' opt 'is' q\nopt -> '' | 'really'\nq -> 'good' | 'bad'\n"
    )
    g = parse_grammar(text)
    sampler = Sampler(g)

    looked = count_viable(monkeypatch)

    def all_candidates(full: bool) -> tuple[list[str], int, int]:
        looked[0] = 0
        if full:
            monkeypatch.setattr(shrink, "MANY_ALTERNATIVES", 10**9)
        else:
            monkeypatch.setattr(shrink, "MANY_ALTERNATIVES", 64)
        shrinker = shrink.Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
        if full:  # the plain scan: every word choice built and measured, as before the
            # shrinker left out early those no smaller than the subtree
            shrinker._lexical = [None] * len(shrinker._lexical)
        draws = Draws(np.random.default_rng(4))
        out: list[str] = []
        for _ in range(150):
            case = Case(sampler.sentence_tree(draws))
            out.extend(repr(c.tree) for c in shrinker.candidates(case))
        return out, looked[0], len(shrinker._index)

    indexed, few, used = all_candidates(full=False)
    scanned, every, _ = all_candidates(full=True)
    assert indexed == scanned and len(indexed) > 20
    # (measured: 441 and 705,582)
    assert used == 1 and 0 < few * 100 < every, (few, every)


def test_the_skip_chain_finds_the_next_place_not_known_judged() -> None:
    from assay.text.moves import _next_open

    skip = list(range(8))
    for judged in (2, 3, 4, 7):
        skip[judged] = judged + 1
    assert _next_open(skip, 0) == 0
    assert _next_open(skip, 2) == 5
    assert skip[2] == 5 and skip[3] == 5  # the chain was shortened
    assert _next_open(skip, 7) == 8  # none left at or after 7
    for judged in (0, 1, 5, 6):
        skip[judged] = judged + 1
    assert _next_open(skip, 0) == 8


@pytest.mark.pure_text
def test_the_failing_core_is_where_the_minimal_words_are() -> None:
    """``core_paths`` finds the nodes holding the words of the smallest known minimal error
    the case holds (punctuation joined to the word before it, as in the sentence)."""
    from assay.text.generate import subtree_at, tree_text
    from assay.text.moves import _leaves, core_paths

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(5))
    for _ in range(300):
        tree = sampler.sentence_tree(draws)
        assert [w for w, _ in _leaves(tree)] == tree_text(tree).split()

    class Known:
        def __init__(self, key: str | None) -> None:
            self.key = key

        def known_core(self, case: Case) -> str | None:
            return self.key

    tree = sampler.sentence_tree(draws)
    words = tree_text(tree).split()
    case = Case(tree)
    assert core_paths(Known(None), case) == set()  # type: ignore[arg-type]
    assert core_paths(Known("words nowhere"), case) == set()  # type: ignore[arg-type]
    small = " ".join(words[1:3])
    paths = core_paths(Known(small), case)  # type: ignore[arg-type]
    held = [w for p in paths for w in subtree_at(tree, p)[1] if isinstance(w, str)]
    for w in words[1:3]:
        assert any(w.rstrip(",.!?;:") in h.split() for h in held), (w, held)


def test_the_mode_worth_more_per_query_weighs_errors_by_how_rare_they_are() -> None:
    """Harvesting gives more failing sentences per query, exploring more new minimal errors:
    where fresh draws rarely fail the walk harvests, where they often fail it explores."""
    w = WalkStrategy()
    # per mode: queries, errors, new minimal errors (explore, harvest)
    w.worth[:] = [[1000.0, 500.0, 300.0], [1000.0, 650.0, 60.0]]
    w.fresh = [1000, 130]  # errors rare: a failing sentence is news
    assert w._best_mode() == 1
    w.fresh = [1000, 460]  # errors common: only a new way of failing is
    assert w._best_mode() == 0


def _engine(strategy: str = "walk") -> Any:
    """A text search's engine over two fake classifiers (one blind to negation)."""
    from pathlib import Path

    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text

    fakes = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
    setup = setup_text(
        [f"{fakes}:lexicon", f"{fakes}:negation_blind"],
        grammar="builtin:reviews",
        strategy=strategy,
    )
    model = BudgetedModel(setup.model, max_queries=10_000)
    return setup.test.search(model, np.random.default_rng(0)).engine


def test_a_walker_restarting_to_harvest_starts_where_there_is_something_to_harvest() -> None:
    """When harvesting is worth more, a walker restarting in the error region starts at a
    recent failing case (words outside its failing core to change), never at a known
    minimal error (all core: a harvesting walker there idles); when exploring is worth
    more, at a minimal error."""
    engine = _engine()
    walk = engine.strategy
    g, draws = engine.g, Draws(np.random.default_rng(1))
    failing = [Case(Sampler(g).sentence_tree(draws)) for _ in range(5)]
    minimal = [Case(Sampler(g).sentence_tree(draws)) for _ in range(5)]
    for best, want in ((1, failing), (0, minimal)):
        walk.walkers = [None] * walk.n_walkers
        walk.pool, walk.minimal = list(failing), list(minimal)
        walk.fresh = [1000, 130]  # errors rare: harvesting's failing sentences are news
        walk.worth[:] = [[1000.0, 500.0, 300.0], [1000.0, 650.0, 60.0]]
        if best == 0:
            walk.worth[:] = walk.worth[::-1].copy()
        assert walk._best_mode() == best
        engine.draws = Draws(np.random.default_rng(2))
        walk.propose(engine, 256)
        started = [c for c in walk.walkers if c is not None and walk.errs[walk.walkers.index(c)]]
        assert len(started) > walk.n_walkers // 2  # nine restarts in ten are in the region
        assert all(any(c is x for x in want) for c in started)


def test_the_search_thaws_what_its_rounds_froze() -> None:
    """``Engine.step`` freezes what a round keeps (the collector skips it between rounds);
    ``thaw`` (the run's end, ``check_text``) hands it back."""
    import gc

    from assay.text.engine import thaw

    engine = _engine()
    before = gc.get_freeze_count()
    try:
        engine.step()
        assert gc.get_freeze_count() > before
        assert gc.isenabled()
    finally:
        thaw()
    assert gc.get_freeze_count() == 0


def test_sentences_never_asked_skip_the_cache_lookup_and_are_remembered() -> None:
    """``BudgetedModel.predict_new``: counted and budgeted like ``predict``, and kept in its
    cache, so that asking them again later costs nothing."""
    from assay.core.budget import BudgetedModel
    from assay.core.keys import text_keys

    class Echo:
        from assay.core.model import Capabilities

        capabilities = Capabilities(modality="text", n_classes=2, outputs="proba")
        calls = 0

        def predict(self, inputs: Any, /) -> np.ndarray:
            Echo.calls += 1
            return np.array([[len(t) / 10.0, 1 - len(t) / 10.0] for t in inputs])

    model = BudgetedModel(Echo(), max_queries=10)
    texts = ["a", "bb", "ccc"]
    got = model.predict_new(texts, text_keys(texts))
    assert model.queries == 3 and Echo.calls == 1
    again = model.predict(["bb", "a"], keys=text_keys(["bb", "a"]))
    assert np.array_equal(again, got[[1, 0]])
    assert model.queries == 3 and Echo.calls == 1  # from the cache
    assert np.array_equal(model.predict(["ccc"]), got[2:])  # keyed by the same keys


def test_a_walker_drafting_the_same_edit_again_gets_the_same_draft() -> None:
    """A walker that stays drafts mostly what it drafted before: the same edit of the same
    case gives the same object (its sentences known by identity), not a copy to render and
    hash again; a different case, its own."""
    from assay.text.moves import drafted, swap_word_at

    engine = _engine()
    case = Case(Sampler(engine.g).sentence_tree(Draws(np.random.default_rng(4))))
    made: dict[tuple[int, ...] | None, list[Any]] = {}
    for seed in range(40):
        engine.draws = Draws(np.random.default_rng(seed % 8))  # each draw sequence 5 times
        cand, path = swap_word_at(engine, case, memo={})
        assert cand is not None
        made.setdefault((seed % 8, path), []).append(cand)
    for same in made.values():
        assert all(c is same[0] for c in same)
    assert len({id(c) for cs in made.values() for c in cs}) == len(made)
    assert drafted(engine, case) is drafted(engine, case)
    other = Case(Sampler(engine.g).sentence_tree(Draws(np.random.default_rng(5))))
    assert drafted(engine, other) is not drafted(engine, case)


@pytest.mark.pure_text
def test_the_walk_observes_a_round_while_its_first_shrinking_batch_is_out() -> None:
    """The walk's ``observe`` (the surrogate's update, the walkers' moves) reads nothing
    that shrinking changes: the engine does it once the round's first shrinking batch is
    sent, while the classifiers answer, not before."""
    engine = _engine()
    walk = engine.strategy
    events: list[str] = []
    model = engine.model
    submit, observe = model.submit_new, walk.observe

    def spy_submit(inputs: Any, keys: Any) -> Any:
        events.append("send")
        return submit(inputs, keys)

    def spy_observe(eng: Any, got: Any) -> None:
        events.append("observe")
        observe(eng, got)

    findings = engine._findings

    def spy_findings(got: Any) -> Any:
        events.append("findings")
        return findings(got)

    model.submit_new = spy_submit
    walk.observe = spy_observe
    engine._findings = spy_findings
    overlapped = False
    for _ in range(20):
        events.clear()
        queries = engine.model.queries
        engine.step()
        assert events.count("observe") == 1
        asked = engine.model.queries - queries
        if asked > len(walk.owners):
            # this round's errors were shrunk: observed once shrinking began, after its
            # first batch was sent when that batch went out (one holding a sentence asked
            # before is answered through the cache, at once: nothing sent to wait for)
            at = events.index("findings")
            assert events.index("observe") > at
            if "send" in events[at : events.index("observe")]:
                overlapped = True
                break
    assert overlapped


def _plain_productions(tree: Any) -> list[int]:
    out = [tree[0]]
    for c in tree[1]:
        if not isinstance(c, str):
            out.extend(_plain_productions(c))
    return out


def test_remembered_sizes_equal_the_plain_walk() -> None:
    """(words, nodes) remembered per subtree (identity; children looked up inline) stay
    those of the plain walk through edits that share subtrees, and after the memo is
    cleared."""
    import assay.text.shrink as shrink
    from assay.text.generate import nodes, replace_at

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(5))
    edited = 0
    for k in range(500):
        tree = sampler.sentence_tree(draws)
        for _ in range(4):  # an edit shares every subtree off its path
            spots = nodes(tree)
            path, p, depth = spots[draws.below(len(spots))]
            new = sampler.tree(g.productions[p][0], sampler.max_depth - depth, draws)
            tree = replace_at(tree, path, new)
            edited += 1
            words = shrink._split_words(tree)
            assert shrink.measure(tree, shrink._SIZES) == (len(words), len(nodes(tree)))
        if k % 100 == 0:
            shrink._SIZES.clear()
    assert edited == 2000


@pytest.mark.pure_text
def test_keepable_subtrees_are_those_without_a_steered_production() -> None:
    """``_keepable`` (each subtree's largest bias, over its range of productions) keeps
    exactly the movable nodes whose subtree holds no production with a bias above 1, as a
    plain walk finds."""
    from assay.text.flat import flatten
    from assay.text.generate import subtree_at
    from assay.text.vocab import Vocab
    from assay.text.walk import _keepable, _movable

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(6))
    rng = np.random.default_rng(7)

    class _Engine:
        def __init__(self) -> None:
            self.g = g
            self.vocab = Vocab(g)

        def lasting(self, what: str, case: Case, make: Any) -> Any:
            return make(case)

        def flatten_case(self, case: Case) -> Any:
            return flatten(case.tree, self.vocab)

    engine = _Engine()
    kept_some = dropped_some = False
    for _ in range(300):
        case = Case(sampler.sentence_tree(draws))
        bias = rng.choice([0.5, 1.0, 2.0], size=g.n_productions, p=[0.45, 0.45, 0.1])
        spots = _movable(engine, case)  # type: ignore[arg-type]
        want = [
            sp
            for sp in spots
            if max(bias[q] for q in _plain_productions(subtree_at(case.tree, sp[0]))) <= 1.0
        ]
        got = _keepable(engine, case, bias)  # type: ignore[arg-type]
        assert got == want
        kept_some |= bool(got)
        dropped_some |= len(got) < len(spots)
    assert kept_some and dropped_some


def test_shrinking_leaves_out_only_word_choices_that_are_not_smaller() -> None:
    """The replacements ``_options`` keeps are the same with the word choices no smaller
    than the subtree left out early (``_replacements(..., size)``) as without."""
    from assay.text.shrink import Shrinker, _split_words, _subsequence, measure

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(8))

    shrinker = Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
    left_out = 0
    for _ in range(200):
        tree = sampler.sentence_tree(draws)
        listing: list[Any] = []
        todo = [tree]
        while todo:  # every subtree
            t = todo.pop()
            listing.append(t)
            todo.extend(c for c in t[1] if not isinstance(c, str))
        for sub in listing:
            size = measure(sub, {})
            below: list[Any] = []
            walk_below = [sub]
            while walk_below:  # the descendants, preorder
                t = walk_below.pop()
                kids = [c for c in t[1] if not isinstance(c, str)]
                if t is not sub:
                    below.append(t)
                walk_below.extend(reversed(kids))
            every = shrinker._replacements(sub, below)
            early = shrinker._replacements(sub, below, size)
            left_out += len(every) - len(early)

            def kept(cands: list[Any], sub: Any = sub, size: Any = size) -> list[Any]:
                return [
                    n
                    for n in cands
                    if measure(n, {}) < size and _subsequence(_split_words(n), _split_words(sub))
                ]

            assert kept(every) == kept(early)
    assert left_out > 0


def test_shrinking_options_remembered_by_value_are_those_made_afresh() -> None:
    """A subtree's options are remembered by value (cases share equal subtrees): the
    candidates of every case, with the memo warm from hundreds of other cases, are those
    a fresh shrinker makes for it alone."""
    from assay.text.generate import tree_from_json, tree_to_json
    from assay.text.shrink import Shrinker

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(np.random.default_rng(12))

    warm = Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
    hits = 0
    for _ in range(300):
        tree = sampler.sentence_tree(draws)
        copy = tree_from_json(tree_to_json(tree))  # equal, and no subtree shared
        before = len(warm._opts)
        got = [c.tree for c in warm.candidates(Case(copy))]
        hits += len(warm._opts) - before < len(_plain_productions(tree))  # some were known
        fresh = Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
        assert got == [c.tree for c in fresh.candidates(Case(tree))]
    assert hits > 200  # equal subtrees of other cases were met
