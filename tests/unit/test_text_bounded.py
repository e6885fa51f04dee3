"""A long text run writes bounded data at each checkpoint: the minimal errors' records go to
the resume state as appends (each checkpoint only the records new since the last one, and
the counts that changed), never the whole set again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot, from_json_lines
from assay.text.api import setup_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _engine() -> Any:
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    model = BudgetedModel(setup.model, max_queries=100_000)
    return setup.test.search(model, np.random.default_rng(0)).engine


def _appended(snaps: list[Snapshot], name: str) -> np.ndarray:
    parts = [s.appends[name] for s in snaps if name in s.appends]
    return np.concatenate(parts) if parts else np.zeros(0, np.uint8)


def test_each_snapshot_holds_only_the_new_minimal_records_and_restore_gives_them_all() -> None:
    engine = _engine()
    snaps: list[Snapshot] = []
    while len(snaps) < 4 or len(engine.minimal) < 20:
        for _ in range(3):
            engine.step()
        snaps.append(engine.snapshot())
        assert len(snaps) < 200
    for s in snaps:  # the values hold no record: they are rewritten at every checkpoint
        assert not any("minimal" in k for k in s.values)
    records = from_json_lines(_appended(snaps, "minimal"))
    assert [r["key"] for r in records] == list(engine.minimal)  # each once, in order
    idle = engine.snapshot()  # nothing new: nothing appended
    assert "minimal" not in idle.appends and "minimal_counts" not in idle.appends
    again = _engine()
    last = snaps[-1]
    again.restore(
        Snapshot(
            values=last.values,
            arrays=last.arrays,
            appends={
                n: _appended(snaps, n) for n in ("asked", "keys", "minimal", "minimal_counts")
            },
        )
    )
    assert again.minimal == engine.minimal
    assert again._known._entries == engine._known._entries


def test_a_state_stored_with_the_records_in_values_still_restores() -> None:
    import json

    from assay.core.findings import to_jsonable

    engine = _engine()
    while len(engine.minimal) < 5:
        engine.step()
    snap = engine.snapshot()
    old = dict(snap.values)
    old["minimal_json"] = {k: json.dumps(to_jsonable(r)) for k, r in engine.minimal.items()}
    old["minimal_counts"] = {k: r["count"] for k, r in engine.minimal.items()}
    again = _engine()
    again.restore(Snapshot(values=old, appends={"asked": snap.appends["asked"]}))
    assert again.minimal == engine.minimal


def test_known_errors_give_the_smallest_held_one_as_a_scan_of_all_would() -> None:
    """``KnownErrors.within`` (errors filed under one of their words, then word-by-word
    checks) against a plain scan: the smallest error held in order (ties: signature first
    seen, then first found), over more than 64 words, two-sentence keys, bags held out of
    order, and errors with an empty sentence (filed under no word)."""
    from assay.text.known import KnownErrors
    from assay.text.shrink import _subsequence

    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(150)]
    known = KnownErrors()
    entries: list[tuple[str, str]] = []
    for i in range(600):
        n_texts = 1 + int(i % 7 == 0)
        texts = [" ".join(rng.choice(vocab[:40], size=rng.integers(1, 5))) for _ in range(n_texts)]
        if i % 5 == 0:  # rarer words
            texts[0] += f" {vocab[40 + i % 110]}"
        if i % 97 == 0:  # an empty sentence: held by every case of as many sentences
            texts[-1] = ""
        key, sig = "|".join(texts), f"s{int(rng.integers(3))}"
        known.add(key, sig, "|")
        entries.append((key, sig))
    order = list(dict.fromkeys(s for _, s in entries))
    hits = 0
    for j in range(300):
        n_texts = 1 + int(j % 7 == 0)
        texts = [" ".join(rng.choice(vocab[:60], size=12)) for _ in range(n_texts)]
        split = [t.split() for t in texts]
        for sig in ("s1", None):
            best: tuple[tuple[int, int, int], str] | None = None
            for i, (key, s) in enumerate(entries):
                words = [t.split() for t in key.split("|")]
                if (sig is not None and s != sig) or len(words) != n_texts:
                    continue
                if all(_subsequence(w, t) for w, t in zip(words, split, strict=True)):
                    rank = (sum(map(len, words)), order.index(s), i)
                    if best is None or rank < best[0]:
                        best = (rank, key)
            want = None if best is None else best[1]
            assert known.within(texts, sig) == want
            hits += want is not None
    assert 50 < hits < 600  # both hits and misses were checked


def test_a_case_looks_at_few_known_errors_however_many_distinct_words() -> None:
    """On a grammar of thousands of distinct words (one per minimal error, beside common
    ones) a case is checked against the errors filed under its own words: a handful, not a
    share of all (64-bit word masks collided there: some 90 errors checked per case of a
    20,000-query run, bench/RESULTS.md left17a)."""
    from assay.text.known import KnownErrors

    known = KnownErrors()
    for i in range(5000):
        known.add(f"the w{i} was not good", "s", "|")
    looked = known._candidates(known.have(["the", "w4321", "was", "not", "good", "at", "all"]))
    assert len(looked) <= 3, len(looked)
    assert known.within(["honestly the w4321 was not so good"], "s") == "the w4321 was not good"
    assert known.within(["the w5001 was not good"], None) is None


@pytest.mark.pure_text
def test_the_search_rounds_leave_no_reference_cycles_behind() -> None:
    """A round runs with the cyclic collector paused, and what it leaves is then frozen
    (``Engine.step``): any reference cycle a round makes is never freed.  Two recursive
    closures (the shrinker's node listing, the walk's word leaves) made one per call, each
    holding the lists it built: a 120-second run held 2.9 M objects (612 MB resident)
    where it now holds 0.4 M (398 MB).  Here: after a few hundred rounds, unfrozen and
    collected, the garbage found is a few objects, not tens of thousands."""
    import gc

    from assay.text.engine import thaw

    engine = _engine()
    thaw()  # (what an earlier test's run left frozen is not this one's)
    gc.collect()
    try:
        for _ in range(60):
            engine.step()
        thaw()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what is collected is kept in gc.garbage, to be read
        gc.collect()
    finally:
        gc.set_debug(0)
        thaw()
    # the search's own garbage (the rest of a suite's process makes some of its own): its
    # functions, and the count of everything as a bound (old code: 217,011 objects)
    garbage, gc.garbage[:] = list(gc.garbage), []
    ours = [
        o
        for o in garbage
        if callable(o) and str(getattr(o, "__module__", "")).startswith("assay.text")
    ]
    assert not ours, [getattr(o, "__qualname__", o) for o in ours[:5]]
    assert len(garbage) < 20_000, len(garbage)


def test_no_closure_of_the_text_search_calls_itself() -> None:
    """The static side of the test above: a nested function that calls itself is a reference
    cycle per call (function -> its cell -> function), never freed under the rounds' frozen
    collector.  A merge brought a third one back (``_movable``'s walk); write such walks as
    functions of the module."""
    import ast

    import assay.text

    found = []
    for path in sorted(Path(assay.text.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        for outer in ast.walk(tree):
            if not isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(outer):
                if inner is outer or not isinstance(inner, ast.FunctionDef):
                    continue
                called = {n.id for n in ast.walk(inner) if isinstance(n, ast.Name)}
                if inner.name in called:
                    found.append(f"{path.name}:{inner.lineno} {outer.name}.{inner.name}")
    assert not found, found
