"""A case's key computed in a compiled loop from word ids (prints; not a test; a prototype).

Issue 9's whole-round kernel (perf50 in bench/RESULTS.md) must test every draft against the
keys already judged without leaving the kernel: a case's key is ``text_key`` of its
sentence (blake2b, 8 bytes, of the UTF-8 text ``flat.text`` makes of its words).  Here
``keys`` computes it from word ids (each word's bytes listed once): the words joined by
spaces, none before a word made only of ``,.!?;:`` (``generate.detok``'s rule for ASCII;
a grammar beyond ASCII follows ``spacing``'s rules, not done here), then BLAKE2b (RFC 7693)
with an 8-byte digest, read as ``text_key`` reads it (little-endian).  Sentences of up to
``MAX_BYTES`` bytes.  Run on random reviews of the built-in grammar (and longer sentences
made of several, for the keys of more than one block), it says how many keys equal
``text_key`` and what each costs:

    python bench/text_keys.py --sentences 20000

Needs numba (the extra ``assay[exact]``).  Compiled anew in each process (~1.3 s), not
cached: numba's cache of a loop first compiled by this file run as a script names its module
``<dynamic>``, and a process importing the file by name could not load it.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numba
import numpy as np

MAX_BYTES = 4096  # a sentence's bytes at most (``keys`` gives 0 for a longer one)
GLUED = ",.!?;:"  # a word made only of these follows the word before it with no space

IV = np.array(
    [
        0x6A09E667F3BCC908,
        0xBB67AE8584CAA73B,
        0x3C6EF372FE94F82B,
        0xA54FF53A5F1D36F1,
        0x510E527FADE682D1,
        0x9B05688C2B3E6C1F,
        0x1F83D9ABFB41BD6B,
        0x5BE0CD19137E2179,
    ],
    dtype=np.uint64,
)
SIGMA = np.array(
    [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ],
    dtype=np.int64,
)
# the four columns then the four diagonals of BLAKE2b's state (a, b, c, d per mixing)
MIX = np.array(
    [
        [0, 4, 8, 12],
        [1, 5, 9, 13],
        [2, 6, 10, 14],
        [3, 7, 11, 15],
        [0, 5, 10, 15],
        [1, 6, 11, 12],
        [2, 7, 8, 13],
        [3, 4, 9, 14],
    ],
    dtype=np.int64,
)


def njit(func: Any) -> Any:
    """``func`` compiled without the GIL (not cached: see above)."""
    return numba.njit(nogil=True)(func)


@njit
def _compress(
    h: np.ndarray,
    block: np.ndarray,
    count: int,
    last: bool,
    v: np.ndarray,
    m: np.ndarray,
    iv: np.ndarray,
    sigma: np.ndarray,
    mix: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """BLAKE2b's compression of one 128-byte block into ``h`` (``count``: the bytes hashed
    so far, this block's included; ``last``: the final block)."""
    for i in range(16):
        x = np.uint64(0)
        for b in range(8):
            x |= np.uint64(block[8 * i + b]) << np.uint64(8 * b)
        m[i] = x
    for i in range(8):
        v[i] = h[i]
        v[i + 8] = iv[i]
    v[12] ^= np.uint64(count)
    if last:
        v[14] = ~v[14]
    for r in range(12):
        s = sigma[r % 10]
        for g in range(8):
            a, b, c, d = mix[g, 0], mix[g, 1], mix[g, 2], mix[g, 3]
            v[a] = v[a] + v[b] + m[s[2 * g]]
            x = v[d] ^ v[a]
            v[d] = (x >> np.uint64(32)) | (x << np.uint64(32))
            v[c] = v[c] + v[d]
            x = v[b] ^ v[c]
            v[b] = (x >> np.uint64(24)) | (x << np.uint64(40))
            v[a] = v[a] + v[b] + m[s[2 * g + 1]]
            x = v[d] ^ v[a]
            v[d] = (x >> np.uint64(16)) | (x << np.uint64(48))
            v[c] = v[c] + v[d]
            x = v[b] ^ v[c]
            v[b] = (x >> np.uint64(63)) | (x << np.uint64(1))
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]


@njit
def keys(
    word_bytes: np.ndarray,
    word_at: np.ndarray,
    glued: np.ndarray,
    words: np.ndarray,
    at: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Per sentence ``i`` (its word ids ``words[at[i]:at[i + 1]]``; word ``w``'s bytes
    ``word_bytes[word_at[w]:word_at[w + 1]]``, ``glued[w]``: no space before it), its
    ``text_key`` into ``out[i]`` (0 for a sentence of more than ``MAX_BYTES`` bytes)."""
    iv, sigma, mix = IV, SIGMA, MIX
    buf = np.zeros(MAX_BYTES, dtype=np.uint8)
    block = np.zeros(128, dtype=np.uint8)
    h = np.empty(8, dtype=np.uint64)
    v = np.empty(16, dtype=np.uint64)
    m = np.empty(16, dtype=np.uint64)
    for i in range(len(at) - 1):
        n = 0
        fits = True
        for j in range(at[i], at[i + 1]):
            w = words[j]
            size = word_at[w + 1] - word_at[w] + (1 if n > 0 and not glued[w] else 0)
            if n + size > MAX_BYTES:
                fits = False
                break
            if n > 0 and not glued[w]:
                buf[n] = 32
                n += 1
            for k in range(word_at[w], word_at[w + 1]):
                buf[n] = word_bytes[k]
                n += 1
        if not fits:
            out[i] = 0
            continue
        for k in range(8):
            h[k] = iv[k]
        h[0] ^= np.uint64(0x01010008)  # no key, an 8-byte digest
        done = 0
        while True:
            left = n - done
            last = left <= 128
            for k in range(128):
                block[k] = buf[done + k] if k < left else 0
            _compress(h, block, n if last else done + 128, last, v, m, iv, sigma, mix)
            if last:
                break
            done += 128
        out[i] = h[0]


def word_table(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``keys``' word arrays for ``words`` (a draft's words: non-empty terminals, ASCII;
    word ``i`` is id ``i``): their bytes, where each begins (and the last ends), and which
    take no space before them (their first part, up to a space, is marks only)."""
    from assay.text.generate import detok

    for w in words:
        if not w or not w.isascii() or detok(w) != w or w != " ".join(w.split(" ")):
            raise ValueError(f"{w!r}: only ASCII terminals detok leaves as they are")
    encoded = [w.encode() for w in words]
    word_at = np.zeros(len(words) + 1, dtype=np.int64)
    word_at[1:] = np.cumsum([len(e) for e in encoded])
    word_bytes = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    glued = np.array([all(c in GLUED for c in w.split(" ")[0]) for w in words], dtype=np.bool_)
    return word_bytes, word_at, glued


def sentence_arrays(sentences: list[tuple[str, ...]], ids: dict[str, int]) -> Any:
    """``keys``' sentence arrays: every sentence's word ids, and where each begins."""
    words = np.array([ids[w] for s in sentences for w in s], dtype=np.int64)
    at = np.zeros(len(sentences) + 1, dtype=np.int64)
    at[1:] = np.cumsum([len(s) for s in sentences])
    return words, at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from assay.core.rng import generator
    from assay.text.engine_state import text_key
    from assay.text.flat import Draft, flatten
    from assay.text.flat import text as flat_text
    from assay.text.generate import Draws, Sampler
    from assay.text.grammar import load_grammar

    g = load_grammar("builtin:reviews")
    sampler, draws = Sampler(g), Draws(generator(args.seed))
    short = [flatten(sampler.tree(g.start, sampler.max_depth, draws)).words]
    short += [
        flatten(sampler.tree(g.start, sampler.max_depth, draws)).words
        for _ in range(args.sentences - 1)
    ]
    rng = np.random.default_rng(args.seed)
    joined = [
        tuple(w for k in rng.integers(0, len(short), int(rng.integers(2, 6))) for w in short[k])
        for _ in range(args.sentences // 10)
    ]
    ids: dict[str, int] = {}
    for s in short:
        for w in s:
            ids.setdefault(w, len(ids))
    table = word_table(list(ids))
    for name, sentences in (("reviews", short), ("several reviews joined", [*joined, ()])):
        words, at = sentence_arrays(sentences, ids)
        out = np.zeros(len(sentences), dtype=np.uint64)
        c = time.process_time()
        keys(*table, words, at, out)
        first = time.process_time() - c
        c = time.process_time()
        keys(*table, words, at, out)
        kernel = (time.process_time() - c) / len(sentences)
        c = time.process_time()
        want = [text_key(flat_text(Draft([], s))) for s in sentences]
        python = (time.process_time() - c) / len(sentences)
        same = sum(int(a) == b for a, b in zip(out.tolist(), want, strict=True))
        sizes = [len(flat_text(Draft([], s)).encode()) for s in sentences]
        print(
            f"{name}: {same:,} of {len(sentences):,} keys equal text_key's "
            f"({min(sizes)}-{max(sizes)} bytes); {1e9 * kernel:.0f} ns a key in the loop, "
            f"{1e9 * python:.0f} ns by text_key(flat.text(draft)); first call {first:.2f} s "
            f"(numba compiling the loops)"
        )


if __name__ == "__main__":
    main()
