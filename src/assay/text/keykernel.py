"""A case's key (``engine_state.text_key``) computed from its words' ids, compiled (numba:
loaded by ``core.jit.compiled``; ``ASSAY_COMPILED=0`` turns it off).

A case's key is blake2b (8-byte digest, read little-endian) of its sentence, which
``flat.text`` makes of its words: joined by spaces, with none before a word whose first part
(up to a space) is made only of ``,.!?;:`` (``generate.detok``'s rule for ASCII).  Here the
sentence's bytes are laid out from each word's bytes (listed once per word id:
``KeyTable``) and hashed by BLAKE2b (RFC 7693) in the loop: the same key, bit for bit.
A word the rule does not cover (beyond ASCII: ``spacing``'s rules; one ``detok`` would
change; an empty part) is marked as such, and a sentence holding one, or of more than
``MAX_BYTES`` bytes, gives 0: the caller computes that key in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.core.jit import njit

__all__ = ["MAX_BYTES", "KeyTable", "keys", "warm"]

MAX_BYTES = 4096  # a sentence's bytes at most (longer: 0, computed by the caller)
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
def _keys(
    word_bytes: np.ndarray,
    word_at: np.ndarray,
    glued: np.ndarray,
    plain: np.ndarray,
    words: np.ndarray,
    at: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Per sentence ``i`` (its word ids ``words[at[i]:at[i + 1]]``; word ``w``'s bytes
    ``word_bytes[word_at[w]:word_at[w + 1]]``, ``glued[w]``: no space before it,
    ``plain[w]``: the rule covers it), its key into ``out[i]`` (0: computed by the caller)."""
    iv, sigma, mix = IV, SIGMA, MIX
    buf = np.zeros(MAX_BYTES, dtype=np.uint8)
    block = np.zeros(128, dtype=np.uint8)
    h = np.empty(8, dtype=np.uint64)
    v = np.empty(16, dtype=np.uint64)
    m = np.empty(16, dtype=np.uint64)
    n_words = plain.size
    for i in range(len(at) - 1):
        n = 0
        fits = True
        for j in range(at[i], at[i + 1]):
            w = words[j]
            if w < 0 or w >= n_words or not plain[w]:
                fits = False
                break
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


class KeyTable:
    """The words of a vocabulary (``vocab.Vocab.strs``: word ``i`` is id ``i``) as the
    loop reads them: their bytes, where each begins, which take no space before them, and
    which the rule covers (the others' sentences: 0)."""

    def __init__(self, words: Sequence[str]) -> None:
        from assay.text.generate import detok

        encoded = [w.encode() for w in words]
        self.size = len(words)
        self.word_at = np.zeros(len(words) + 1, dtype=np.int64)
        self.word_at[1:] = np.cumsum([len(e) for e in encoded])
        self.word_bytes = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8).copy()
        self.glued = np.array(
            [bool(w) and all(c in GLUED for c in w.split(" ")[0]) for w in words], dtype=np.bool_
        )
        self.plain = np.array(
            [bool(w) and w.isascii() and detok(w) == w and "" not in w.split(" ") for w in words],
            dtype=np.bool_,
        )

    def keys(self, words: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The keys of sentences ``words[at[i]:at[i + 1]]`` (word ids; 0: not computed)."""
        out = np.zeros(max(len(at) - 1, 0), dtype=np.uint64)
        _keys(
            self.word_bytes,
            self.word_at,
            self.glued,
            self.plain,
            np.ascontiguousarray(words, dtype=np.int64),
            np.ascontiguousarray(at, dtype=np.int64),
            out,
        )
        return out


def keys(table: KeyTable, sentences: Sequence[Sequence[int]]) -> list[int]:
    """The keys of sentences given as word ids (0 where the caller computes it)."""
    at = np.zeros(len(sentences) + 1, dtype=np.int64)
    at[1:] = np.cumsum([len(s) for s in sentences])
    words = np.fromiter((w for s in sentences for w in s), dtype=np.int64, count=int(at[-1]))
    return [int(k) for k in table.keys(words, at).tolist()]


def warm() -> None:
    """Compile the loop (or load it from numba's cache)."""
    keys(KeyTable(["a", ","]), [[0, 1, 0]])
