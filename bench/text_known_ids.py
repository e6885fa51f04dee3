"""The word ids a known-error check reads, made both ways (prints; not a test).

For drafts of pair (a)'s engine (sentences drawn by its sampler, flattened with their words'
ids as the walk's drafts are), each draft's ids made both ways, CPU ns a check (min of 9):
the texts route (the sentence, made once, split and each word looked up:
``KnownErrors.within``'s reading) and the ids route (``Vocab.rendered`` of the draft's ids:
``within_ids``' reading, what the engine uses for a drafted case); and checks they are equal::

    PYTHONPATH=src ASSAY_COMPILED=0 python bench/text_known_ids.py --sentences 5000

Run it under each build (``ASSAY_COMPILED=0`` for the pure one).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np


def best_ns(fn: Callable[[], None], n: int, reps: int = 9) -> float:
    best = float("inf")
    for _ in range(reps):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best / max(n, 1) * 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=5000)
    args = ap.parse_args()
    from assay.core.budget import BudgetedModel
    from assay.text import vocab as V
    from assay.text.api import builtin_classifier, setup_text
    from assay.text.flat import text as flat_text
    from assay.text.generate import Draws
    from assay.text.oracle import Case

    names = ["tfidf", "tfidf-nonegation"]
    setup = setup_text(
        [builtin_classifier(n) for n in names], names=names, grammar="builtin:reviews"
    )
    model = BudgetedModel(setup.model, max_queries=1000)
    engine = setup.test.search(model, np.random.default_rng(1)).engine
    draws = Draws(np.random.default_rng(2))
    flats = [
        engine.flatten_case(Case(engine.sampler.sentence_tree(draws)))
        for _ in range(args.sentences)
    ]
    texts = [[flat_text(f)] for f in flats]
    drafts = [f.ids for f in flats]
    split, get, rendered = engine._words.words, engine.vocab.ids.get, engine.vocab.rendered

    def by_texts() -> None:
        for tx in texts:
            [[get(w, -1) for w in split(t)] for t in tx]

    def by_ids() -> None:
        for d in drafts:
            [rendered(d)]

    same = all(
        [rendered(d)] == [[get(w, -1) for w in split(t)] for t in tx]
        for d, tx in zip(drafts, texts, strict=True)
    )
    build = "compiled" if str(V.__file__).endswith((".so", ".pyd")) else "pure"
    n = len(flats)
    a1, b1 = best_ns(by_texts, n), best_ns(by_ids, n)
    a2, b2 = best_ns(by_texts, n), best_ns(by_ids, n)
    print(
        f"{n:,} drafts, vocab {build}, equal {same}: texts route {a1:.0f}, {a2:.0f} ns;"
        f" ids route {b1:.0f}, {b2:.0f} ns; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
