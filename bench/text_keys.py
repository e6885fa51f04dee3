"""A case's key from its words' ids in the compiled loop (``assay.text.keykernel``) against
``text_key`` of its sentence (prints; not a test).

perf50's prototype of the whole-round kernel's keys lives in ``src`` now (perf51): here it
is run on random reviews of the built-in grammar (and longer sentences made of several, for
keys of more than one block), flattened with the run's vocabulary (``text.vocab``), to say
how many keys equal ``text_key``'s and what each costs: in one call for every sentence, and
one call per sentence (as a draft of the walk would ask, its ids made an array each time):

    python bench/text_keys.py --sentences 20000

Needs numba (the extra ``assay[exact]``); loaded by name as a search would
(``core.jit.compiled``: from numba's cache after the first time).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from assay.core import jit
    from assay.core.rng import generator
    from assay.text.engine_state import text_key
    from assay.text.flat import Draft, flatten
    from assay.text.flat import text as flat_text
    from assay.text.generate import Draws, Sampler
    from assay.text.grammar import load_grammar
    from assay.text.vocab import Vocab

    c = time.process_time()
    kernel = jit.compiled("assay.text.keykernel")
    loaded = time.process_time() - c
    if kernel is None:
        raise SystemExit("no compiled loop (numba missing, or ASSAY_COMPILED=0)")
    g = load_grammar("builtin:reviews")
    vocab = Vocab(g)
    sampler, draws = Sampler(g), Draws(generator(args.seed))
    short = [
        flatten(sampler.tree(g.start, sampler.max_depth, draws), vocab).ids or ()
        for _ in range(args.sentences)
    ]
    rng = np.random.default_rng(args.seed)
    joined = [
        tuple(w for k in rng.integers(0, len(short), int(rng.integers(2, 6))) for w in short[k])
        for _ in range(args.sentences // 10)
    ]
    table = kernel.KeyTable(vocab.strs)
    print(f"loop loaded in {loaded:.2f} s of CPU")
    for name, sentences in (("reviews", short), ("several reviews joined", [*joined, ()])):
        words = [tuple(vocab.strs[w] for w in s) for s in sentences]
        c = time.process_time()
        got = kernel.keys(table, sentences)
        batched = (time.process_time() - c) / len(sentences)
        c = time.process_time()
        one = [kernel.keys(table, [s])[0] for s in sentences]
        single = (time.process_time() - c) / len(sentences)
        c = time.process_time()
        want = [text_key(flat_text(Draft([], s))) for s in words]
        python = (time.process_time() - c) / len(sentences)
        same = sum(a == b == k for a, b, k in zip(got, one, want, strict=True))
        sizes = [len(flat_text(Draft([], s)).encode()) for s in words]
        print(
            f"{name}: {same:,} of {len(sentences):,} keys equal text_key's "
            f"({min(sizes)}-{max(sizes)} bytes); {1e9 * batched:.0f} ns a key in one call, "
            f"{1e9 * single:.0f} ns in a call per sentence, "
            f"{1e9 * python:.0f} ns by text_key(flat.text(draft))"
        )


if __name__ == "__main__":
    main()
