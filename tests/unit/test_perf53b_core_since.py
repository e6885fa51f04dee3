"""perf53b: a walker's failing core from its last look (``core_since``,
``KnownErrors.held_since``) is the whole look's (``KnownErrors.held``,
``Engine.known_core``), whatever the edit between the two sentences and the errors found
between the two looks."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from assay.text import core_since
from assay.text.api import builtin_classifier, check_text, setup_text
from assay.text.known import KnownErrors

WORDS = [f"w{i}" for i in range(18)]


def _ids(known: KnownErrors, words: list[str]) -> list[int]:
    get = known._vocab.ids.get
    return [get(w, -1) for w in words]


def _add_random(known: KnownErrors, rng: random.Random, n: int) -> None:
    for _ in range(n):
        words = rng.choices(WORDS[:14], k=rng.choice([1, 1, 2, 2, 3, 4]))
        known.add(" ".join(words), rng.choice(["s1", "s2", "s3"]), "\n")


def _edited(rng: random.Random, words: list[str]) -> list[str]:
    """One edit: a word swapped, a stretch replaced (a re-derived subtree), a word put in or
    taken out, or a new sentence (a restart); words never interned among them."""
    out = list(words)
    kind = rng.randrange(5)
    if kind == 0 and out:
        out[rng.randrange(len(out))] = rng.choice(WORDS)
    elif kind == 1:
        lo = rng.randrange(len(out) + 1)
        hi = min(len(out), lo + rng.randrange(5))
        out[lo:hi] = rng.choices(WORDS, k=rng.randrange(5))
    elif kind == 2:
        out.insert(rng.randrange(len(out) + 1), rng.choice(WORDS))
    elif kind == 3 and out:
        del out[rng.randrange(len(out))]
    else:
        out = rng.choices(WORDS, k=rng.randrange(1, 16))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_held_since_is_held_along_walks_of_edits(seed: int) -> None:
    rng = random.Random(seed)
    known = KnownErrors()
    _add_random(known, rng, 30)
    told = 0
    for _walk in range(40):
        words = rng.choices(WORDS, k=rng.randrange(1, 16))
        ids = _ids(known, words)
        look = (ids, known.smallest(ids), len(known))
        for _step in range(25):
            if rng.random() < 0.3:
                _add_random(known, rng, rng.randrange(1, 4))  # errors found between looks
            words = _edited(rng, words)
            ids = _ids(known, words)
            whole = known.smallest(ids)
            since = known.smallest_since(ids, *look)
            if since is not None:
                told += 1
                assert since == whole, (words, look)
            first = known.within_ids([ids], None)
            assert (known.key(whole) if whole >= 0 else None) == first
            look = (ids, whole, len(known))
    assert told > 300


def test_the_smallest_error_from_the_last_look() -> None:
    known = KnownErrors()
    for e in ("a b", "c", "a d e"):
        known.add(e, "sig", "\n")
    was = _ids(known, ["a", "x", "b", "d", "e"])
    k = known.smallest(was)
    assert known.key(k) == "a b"
    # "x" swapped for "c": "c" (1 word) is held now, before "a b"
    now = _ids(known, ["a", "c", "b", "d", "e"])
    assert known.key(known.smallest_since(now, was, k, 3) or 0) == "c"
    # "b" taken out: "a b" lost; "a d e" may be the answer: it cannot tell
    assert known.smallest_since(_ids(known, ["a", "x", "d", "e"]), was, k, 3) is None
    # an error found since the look, of fewer words ("x": interned now, -1 before)
    known.add("x", "sig", "\n")
    now = _ids(known, ["a", "x", "b", "d", "e"])
    assert now != was
    assert known.smallest_since(now, was, k, 3) == 3
    # and one held through unchanged words only
    known.add("a d", "sig", "\n")
    assert known.smallest_since(now, now, 3, 4) == 3
    now = _ids(known, ["a", "z", "d"])
    assert known.key(known.smallest_since(now, now, -1, 3) or 0) == "a d"
    # nothing held before: none after, unless through a changed word
    was = _ids(known, ["q", "r"])
    assert known.smallest_since(_ids(known, ["q", "s"]), was, -1, 4) == -1
    assert known.key(known.smallest_since(_ids(known, ["q", "c"]), was, -1, 4) or 0) == "c"


def test_more_than_a_few_ids_changed_asks_for_the_whole_look() -> None:
    known = KnownErrors()
    known.add("a", "sig", "\n")
    was = _ids(known, ["a"] * 3)
    now = _ids(known, ["a"] + ["b"] * 9)
    assert known.smallest_since(now, was, known.smallest(was), 1) is None


def test_a_runs_walker_cores_from_their_last_looks_equal_known_core(
    monkeypatch: Any, tmp_path: Path
) -> None:
    """A run of pair (a) (``bench/text.py``'s tfidf pair; ``bench/text_core_since.py``
    checks whole runs): every core's key is ``known_core``'s."""
    inner = core_since.smallest_key
    routes = {"last look": 0, "whole": 0}

    def checked(engine: Any, case: Any, was: Any) -> Any:
        key, look = inner(engine, case, was)
        assert key == engine.known_core(case)
        routes["last look" if was is not None else "whole"] += 1
        return key, look

    monkeypatch.setattr(core_since, "smallest_key", checked)
    names = ["tfidf", "tfidf-nonegation"]
    setup = setup_text(
        [builtin_classifier(n) for n in names], names=names, grammar="builtin:reviews"
    )
    check_text(setup=setup, max_queries=3_000, seed=1, store=tmp_path / "runs.db")
    assert routes["last look"] > 20, routes
