"""The minimal errors a text run knows, for asking which of them a case holds.

``KnownErrors.within(texts, sig)`` gives the smallest known minimal error (fewest words; ties:
signatures in the order first seen, then the order found) failing as ``sig`` (None: in any
way) whose every sentence is a subsequence of the words of ``texts``'.  It is asked for most
failing cases of a run, so its cost must not grow with the run as a scan would: every known
error carries a 64-bit mask of its words (each word a bit, words numbered as first seen, mod
64), and one vectorised pass keeps those whose mask is within the case's (a necessary
condition); only those are checked word by word, smallest first.
"""

from __future__ import annotations

import numpy as np

from assay.text.shrink import _subsequence

__all__ = ["KnownErrors"]


class KnownErrors:
    def __init__(self) -> None:
        self._order: dict[str, int] = {}  # signature -> its order of first sight
        self._bits: dict[str, int] = {}  # word -> its bit
        # per error, in the order found: (its words, each sentence's, its key)
        self._entries: list[tuple[frozenset[str], list[list[str]], str]] = []
        self._mask = np.zeros(64, dtype=np.uint64)
        self._size = np.zeros(64, dtype=np.int64)  # words in all
        self._sig = np.zeros(64, dtype=np.int64)  # its signature's order
        self._texts = np.zeros(64, dtype=np.int64)  # sentences

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: str, sig: str, sep: str) -> None:
        """Remember the minimal error ``key`` (its sentences joined by ``sep``)."""
        words = [t.split() for t in key.split(sep)]
        bag = frozenset(x for w in words for x in w)
        n = len(self._entries)
        if n == len(self._mask):
            self._mask, self._size, self._sig, self._texts = (
                np.concatenate([a, np.zeros_like(a)])
                for a in (self._mask, self._size, self._sig, self._texts)
            )
        self._mask[n] = self._mask_of(bag, grow=True)
        self._size[n] = sum(len(w) for w in words)
        self._sig[n] = self._order.setdefault(sig, len(self._order))
        self._texts[n] = len(words)
        self._entries.append((bag, words, key))

    def within(self, texts: list[str], sig: str | None) -> str | None:
        """The smallest known error failing as ``sig`` (None: any) held by ``texts``."""
        n = len(self._entries)
        if not n or (sig is not None and sig not in self._order):
            return None
        split = [t.split() for t in texts]
        have: set[str] = set().union(*split) if split else set()
        outside = ~np.uint64(self._mask_of(have, grow=False))
        fits = ((self._mask[:n] & outside) == 0) & (self._texts[:n] == len(split))
        if sig is not None:
            fits &= self._sig[:n] == self._order[sig]
        cand = np.flatnonzero(fits)
        order = cand[np.lexsort((cand, self._sig[cand], self._size[cand]))]
        for i in order.tolist():
            bag, words, key = self._entries[i]
            if bag <= have and all(_subsequence(w, t) for w, t in zip(words, split, strict=True)):
                return str(key)
        return None

    def _mask_of(self, words: set[str] | frozenset[str], *, grow: bool) -> int:
        mask = 0
        for w in words:
            bit = self._bits.get(w)
            if bit is None:
                if not grow:
                    continue  # in no known error: constrains nothing
                bit = self._bits[w] = len(self._bits) % 64
            mask |= 1 << bit
        return mask
