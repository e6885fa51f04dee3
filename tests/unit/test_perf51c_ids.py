"""The round's words as ids, continued (perf51c): the known minimal errors filed and matched
by the run's word ids (``KnownErrors``, the pair index keyed by pairs of ids), and shrinking's
candidate drafts carrying their words' ids.  Each is checked against what the word strings
give (the old code's reading), so that a wrong id fails; a resumed run, whose ids are
interned in another order, answers as the run never stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from test_cpu40_known_within import _scan  # (a scan of every known error, by strings)

from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.text.api import setup_text
from assay.text.engine import _SEP, _stats_of
from assay.text.flat import Draft, node_arrays
from assay.text.generate import Draws
from assay.text.known import KnownErrors
from assay.text.oracle import Case
from assay.text.vocab import Vocab

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _engine(seed: int = 0, queries: int = 10_000) -> Any:
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    model = BudgetedModel(setup.model, max_queries=queries)
    return setup.test.search(model, np.random.default_rng(seed)).engine


def _added(engine: Any) -> list[tuple[str, str]]:
    return [(k, str(rec["signature"])) for k, rec in engine.minimal.items()]


def _check_filed_by_ids(known: KnownErrors, vocab: Vocab) -> None:
    """Every error's words are the run's ids of its sentences' words; every pair of ids it
    is filed under (least first) and every word it is filed under are among its words."""
    for bag, words, key, _rank, n in known._entries:
        want = [vocab.of(t.split()) for t in key.split(_SEP)]
        assert words == want and n == len(want), key
        assert bag == frozenset(i for w in want for i in w)
        assert all(vocab.strs[i] in key for i in bag)
    for (a, b), filed in known._paired.items():
        assert a < b
        for i in filed:
            assert {a, b} <= known._bags[i]
    for w, filed in known._filed.items():
        for i in filed:
            assert w in known._bags[i]


def test_a_runs_known_errors_are_filed_by_its_word_ids_and_answer_as_by_strings() -> None:
    """The errors a run found are filed under the engine's vocabulary's ids (the words it
    drafts with), and for the run's own cases ``within`` gives what a scan of the errors by
    word strings gives, for any signature and for each error's own."""
    engine = _engine(seed=2)
    for _ in range(6):
        engine.step()
    known, vocab = engine._known, engine.vocab
    added = _added(engine)
    assert len(known) == len(added) >= 20
    assert known._vocab is vocab
    _check_filed_by_ids(known, vocab)
    assert any(len(f) for f in known._paired.values())
    draws = Draws(np.random.default_rng(9))
    hits = 0
    sigs = [None, *dict.fromkeys(s for _k, s in added)]
    for j in range(400):
        case = Case(engine.sampler.sentence_tree(draws))
        texts = engine.texts(case)
        sig = sigs[j % len(sigs)]
        want = _scan(added, texts, sig)
        assert known.within(texts, sig) == want, (texts, sig)
        hits += want is not None
    for key, sig in added:  # each error holds itself (the smallest, or one as small)
        got = known.within(key.split(_SEP), sig)
        assert got == _scan(added, key.split(_SEP), sig) and got is not None
    for rec in engine.minimal.values():  # the sentence each was shrunk from holds one
        for sig in (None, str(rec["signature"])):
            want = _scan(added, [rec["original"]], sig)
            assert known.within([rec["original"]], sig) == want
            hits += want is not None
    assert hits >= 40


def test_a_word_no_known_error_holds_never_reads_as_one_that_does() -> None:
    """A case's word the vocabulary does not know is left out of what it holds (not read as
    some id): "zz" must not stand for "w0", the first word interned, nor for any other."""
    known = KnownErrors(vocab=Vocab())
    known.add("w0 w1", "s", _SEP)
    known.add("w2 w3 w4", "s", _SEP)
    assert known._vocab.strs[:5] == ["w0", "w1", "w2", "w3", "w4"]
    assert known.have(["zz", "w1", "yy"]) == {1}
    assert known.within(["zz w1"], None) is None
    assert known.within(["zz w1 w0"], None) is None  # (held as words, not in order)
    assert known.within(["w0 zz w1"], None) == "w0 w1"
    assert known.within(["w2 zz w4 w3"], "s") is None  # (out of order)
    assert known.within(["w2 zz w3 yy w4"], "s") == "w2 w3 w4"
    for n in range(13, 20):  # past the pairs: the files of single words
        filler = " ".join(f"f{i}" for i in range(n))
        assert known.within([f"{filler} w1"], None) is None
        assert known.within([f"w0 {filler} w1"], None) == "w0 w1"
        known._vocab.of(filler.split())  # (known words, held by no error)
        assert known.within([f"{filler} w1"], None) is None


def test_a_resumed_run_whose_ids_differ_files_and_finds_the_same_errors() -> None:
    """Ids are the process's, never stored: a run resumed in a process that interned other
    words first (its ids shifted) files its stored minimal errors under its own ids and
    answers every case as the run never stopped; the checkpoint's values are unchanged."""
    whole = _engine(seed=3)
    for _ in range(5):
        whole.step()
    snap = whole.snapshot()
    resumed = _engine(seed=3)
    n = len(resumed.vocab)
    resumed.vocab.of(["first", "the", "second"])  # (new ids before the stored words')
    assert resumed.vocab.ids["first"] == n
    resumed.restore(Snapshot(values=dict(snap.values), arrays=snap.arrays, appends=snap.appends))
    assert list(resumed.minimal) == list(whole.minimal) and len(resumed._known) >= 10
    _check_filed_by_ids(resumed._known, resumed.vocab)
    draws = Draws(np.random.default_rng(4))
    for _ in range(200):
        texts = whole.texts(Case(whole.sampler.sentence_tree(draws)))
        for sig in (None, *list(dict.fromkeys(s for _k, s in _added(whole)))[:2]):
            assert resumed._known.within(texts, sig) == whole._known.within(texts, sig)
    again = resumed.snapshot()
    for name in ("minimal_json", "words_json", "minimal_counts"):
        if name in snap.values:
            assert json.loads(again.values[name]) == json.loads(snap.values[name]), name


def test_shrinkings_candidate_drafts_carry_their_words_ids() -> None:
    """Every candidate a run's shrinker makes has a draft whose ids are the run's ids of its
    words, and its statistics read from them are those its words give."""
    engine = _engine(seed=1)
    vocab, shrinker = engine.vocab, engine.shrinker
    assert shrinker is not None and shrinker.vocab is vocab and shrinker._plain
    draws = Draws(np.random.default_rng(11))
    made = 0
    for _ in range(150):
        case = Case(engine.sampler.sentence_tree(draws))
        for cand in shrinker.candidates(case):
            draft = cand.draft
            assert draft is not None and draft.ids is not None
            assert draft.ids == vocab.of(draft.words), draft.words
            assert [vocab.strs[i] for i in draft.ids] == list(draft.words)
            bare = Case(cand.tree, draft=Draft(draft.prods, draft.words))
            got, want = _stats_of(cand, vocab), _stats_of(bare, vocab)
            assert got[0] == want[0] and sorted(got[1]) == sorted(want[1])
            made += 1
    assert made >= 300


def test_a_flats_per_node_arrays_are_what_a_kernel_reads_without_a_copy() -> None:
    """``Flat``'s ``end``, ``depth``, ``first`` and ``last`` as arrays of 64-bit ints
    (``node_arrays``): read as numpy views (no copy, what a kernel takes), each node's
    subtree is its range of productions and of word ids, at its depth; the views share the
    arrays' memory."""
    from assay.text.flat import flatten
    from assay.text.generate import subtree_at, tree_productions, tree_words

    engine = _engine()
    vocab = engine.vocab
    draws = Draws(np.random.default_rng(6))
    nodes = 0
    for _ in range(150):
        tree = engine.sampler.sentence_tree(draws)
        flat = flatten(tree, vocab)
        assert flat.ids is not None
        ids = np.asarray(flat.ids, dtype=np.int64)
        prods = np.asarray(flat.prods, dtype=np.int64)
        arrays = node_arrays(flat)  # (perf52: ``Flat``'s lists, as arrays when asked)
        end, depth, first, last = (np.frombuffer(a, dtype=np.int64) for a in arrays)
        assert len(end) == len(depth) == len(first) == len(last) == len(prods)
        for i, path in enumerate(flat.paths):
            sub = subtree_at(tree, path)
            assert prods[i : end[i]].tolist() == tree_productions(sub)
            want = vocab.of([w for w in tree_words(sub) if w])
            assert tuple(ids[first[i] : last[i]].tolist()) == want
            assert depth[i] == len(path)
            nodes += 1
        arrays[0][0] += 1  # (a view, not a copy: it sees the array change)
        assert end[0] == arrays[0][0] == flat.end[0] + 1
    assert nodes > 1000
