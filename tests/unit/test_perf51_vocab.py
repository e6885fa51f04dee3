"""The round's words as ids (perf51): the grammar's terminals interned once, drafts carrying
their words' ids, the word statistics kept per id and the dict of word strings made only
where it is read.  Each structure is checked against the one it replaces (the word strings
the old code read), and a run checkpointed with the old representation resumes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.text.api import setup_text
from assay.text.engine import _stats_of
from assay.text.flat import flatten, replaced, subtree_draft, words_of
from assay.text.generate import Draws, Sampler, nodes, subtree_at, tree_productions
from assay.text.grammar import load_grammar, parse_grammar
from assay.text.oracle import Case
from assay.text.vocab import Vocab, WordStats

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _old_stats_of(case: Case, g: Any) -> tuple[set[int], list[str]]:
    """The statistics' words as the code before ids read them (word strings)."""
    prods = set(tree_productions(case.tree))
    used: set[str] = set()
    for p in prods:
        used.update(it for it in g.productions[p][1] if isinstance(it, str))
    parts = list(dict.fromkeys(p for w in used for p in (w.split() if " " in w or not w else (w,))))
    return prods, parts


def _engine(seed: int = 0, queries: int = 10_000) -> Any:
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    model = BudgetedModel(setup.model, max_queries=queries)
    return setup.test.search(model, np.random.default_rng(seed)).engine


def test_the_grammars_terminals_are_interned_once_with_their_parts() -> None:
    """Each production's ids are its non-empty terminals' (``words_of``), in order; an id
    reads back as its word; a phrase's parts are its words split as the statistics split
    them; a word met later gets the next id, a known one its own."""
    g = parse_grammar(
        "s -> 'the food was' neg q '.' | 'it was' q\n"
        "neg -> '' | 'not' | 'not at all'\nq -> 'good' | 'not  bad' | 'good'\n"
    )
    vocab = Vocab(g)
    for p, (_s, items) in enumerate(g.productions):
        want = words_of(items)
        assert [vocab.strs[i] for i in vocab.prod_words[p]] == list(want)
        assert vocab.prod_words[p] == tuple(vocab.ids[w] for w in want)
    assert len(set(vocab.strs)) == len(vocab.strs) == len(vocab.ids)
    for w, i in vocab.ids.items():
        assert vocab.strs[i] == w
        want = w.split() if " " in w or not w else [w]
        assert [vocab.strs[p] for p in vocab.parts[i]] == want
    n = len(vocab)
    assert vocab.id("good") == vocab.ids["good"] and len(vocab) == n
    assert vocab.id("tasty") == n and vocab.strs[n] == "tasty"
    assert vocab.of(["tasty", "not at all"]) == (n, vocab.ids["not at all"])


def test_drafts_carry_their_words_ids_through_every_edit() -> None:
    """``flatten`` and every edit of it (a word swapped, a subtree re-derived) give ids that
    are the ids of the draft's words, slice for slice."""
    g = load_grammar("builtin:reviews")
    vocab = Vocab(g)
    sampler, draws = Sampler(g), Draws(np.random.default_rng(3))
    edits = 0
    for _ in range(200):
        tree = sampler.tree(g.start, sampler.max_depth, draws)
        flat = flatten(tree, vocab)
        assert flat.ids == vocab.of(flat.words)
        assert flatten(tree).ids is None  # (no vocabulary: no ids)
        for i, (path, p, depth) in enumerate(nodes(tree)):
            if i % 3:
                continue
            sym = g.productions[p][0]
            for q in g.alternatives[sym][:2]:
                items = g.productions[q][1]
                if all(isinstance(it, str) for it in items):
                    draft = replaced(flat, i, [q], words_of(items), vocab.prod_words[q])
                else:
                    new = sampler.tree(sym, max(sampler.max_depth - depth, 1), draws)
                    sub = subtree_draft(new, vocab)
                    assert sub.ids == vocab.of(sub.words)
                    draft = replaced(flat, i, sub.prods, sub.words, sub.ids)
                assert draft.ids == vocab.of(draft.words), (path, q)
                edits += 1
            assert subtree_at(tree, path)[0] == p
    assert edits > 500


def test_a_cases_statistics_words_are_the_old_words_by_id() -> None:
    """``_stats_of`` by ids gives the productions and (deduplicated) words the old code gave
    by strings, for trees and for the walk's drafts; a wrong id or part fails."""
    engine = _engine()
    vocab, g = engine.vocab, engine.g
    draws = Draws(np.random.default_rng(5))
    checked = 0
    for _ in range(300):
        case = Case(engine.sampler.sentence_tree(draws))
        prods, parts = _stats_of(case, vocab)
        old_prods, old_parts = _old_stats_of(case, g)
        assert prods == old_prods
        assert len(parts) == len(set(parts))
        assert sorted(vocab.strs[i] for i in parts) == sorted(old_parts)
        drafted = Case(case.tree, draft=flatten(case.tree, vocab))
        from_draft = _stats_of(drafted, vocab)
        assert from_draft[0] == prods and sorted(from_draft[1]) == sorted(parts)
        checked += 1
    assert checked == 300


def test_word_statistics_by_id_equal_the_dict_of_strings_in_first_seen_order() -> None:
    """``WordStats`` counted case by case gives the dict the old code kept (same counts, the
    words in the order first counted); loading a dict keeps its order and counts on."""
    vocab = Vocab(parse_grammar("s -> 'a' | 'b'\n"))
    stats = WordStats(vocab)
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    old: dict[str, list[int]] = {}
    for _ in range(500):
        parts = list(dict.fromkeys(rng.choice(words, size=int(rng.integers(0, 6))).tolist()))
        err = int(rng.random() < 0.3)
        stats.count([vocab.id(w) for w in parts], err)
        for w in parts:
            rec = old.setdefault(w, [0, 0])
            rec[0] += 1
            rec[1] += err
    got = stats.as_dict()
    assert got == old and list(got) == list(old)
    # a stored dict in another order (another process's) reads back in that order
    stored = dict(reversed(list(old.items())))
    again = WordStats(Vocab())
    again.load(json.loads(json.dumps(stored)))
    assert list(again.as_dict().items()) == list(stored.items())
    again.count([again.vocab.id("w1"), again.vocab.id("new")], 1)
    stored["w1"] = [stored["w1"][0] + 1, stored["w1"][1] + 1]
    stored["new"] = [1, 1]
    assert list(again.as_dict().items()) == list(stored.items())


def test_a_run_checkpointed_with_word_strings_resumes_to_the_same_run() -> None:
    """A state whose ``words_json`` an old process wrote (the dict of word strings, in its
    own order) restores: the words read back as stored, the resumed search counts on, and
    its findings, words and keys are those of the run never stopped."""
    whole = _engine(seed=4)
    for _ in range(3):
        whole.step()
    snap = whole.snapshot()
    state = whole.rng.bit_generator.state  # (a run's store keeps it beside the snapshot)
    stored = json.loads(snap.values["words_json"])
    # as a process with another hash seed ordered them (the old code's sets of strings)
    shuffled = dict(sorted(stored.items(), key=lambda kv: kv[0][::-1]))
    values = {**snap.values, "words_json": json.dumps(shuffled, separators=(",", ":"))}
    resumed = _engine(seed=4)
    resumed.restore(Snapshot(values=values, arrays=snap.arrays, appends=dict(snap.appends)))
    assert list(resumed.words.items()) == list(shuffled.items())
    assert len(resumed.vocab) >= len(Vocab(resumed.g))
    resumed.rng.bit_generator.state = state
    for _ in range(2):
        whole.step()
        resumed.step()
    assert resumed.words == whole.words
    assert list(resumed.words)[: len(shuffled)] == list(shuffled)
    assert resumed.keys == whole.keys and resumed.asked == whole.asked
    assert list(resumed.minimal) == list(whole.minimal)


def test_two_threads_meeting_new_words_give_each_word_one_id() -> None:
    """A lagged round's shrinking interns words beside the next round's drafting: every word
    gets one id, every id one word, and each word's parts are known before the word."""
    import sys
    import threading

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for trial in range(20):
            vocab = Vocab()
            words = [f"w{trial}_{i} p{i % 7}" for i in range(400)]
            start = threading.Barrier(3)

            def intern(ws: list[str], v: Vocab = vocab, go: Any = start) -> None:
                go.wait()
                for w in ws:
                    v.id(w)

            threads = [
                threading.Thread(target=intern, args=(ws,))
                for ws in (words, words[::-1], words[::2])
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(vocab.strs) == len(vocab.ids) == len(vocab.parts)
            assert all(vocab.strs[i] == w for w, i in vocab.ids.items())
            for w in words:
                assert [vocab.strs[p] for p in vocab.parts[vocab.ids[w]]] == w.split()
    finally:
        sys.setswitchinterval(before)
