"""The minimal errors a text run knows, for asking which of them a case holds.

``KnownErrors.within(texts, sig)`` gives the smallest known minimal error (fewest words; ties:
signatures in the order first seen, then the order found) failing as ``sig`` (None: in any
way) whose every sentence is a subsequence of the words of ``texts``' (``segment.Words``:
a sentence of Chinese is split into the grammar's words).  It is asked for most
failing cases of a run, so its cost must not grow with the run as a scan would: every known
error is filed under one of its words (the one fewest known errors held when it was added),
and a case looks only in the files of its own words: an error whose words the case holds is
filed under one of them.  Only those are checked, smallest first.  (A 64-bit mask of each
error's words, words numbered mod 64, did this before: on a grammar of thousands of distinct
words the masks collided, and a case checked some 90 errors word by word, after a pass over
all of them.)  A case of a few words (at most ``_PAIRED`` distinct ones) looks in a finer
index: every error of two to ``_PAIRED`` words is filed under a pair of its words too (its
two words fewest known errors held when it was added), and such a case looks under each
pair of its words: common words ("the", "was") hold thousands of errors, a pair of them far
fewer.  A case of more words would look under too many pairs: it uses the files of single
words (an error of more words can be held only by such a case).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

from assay.text.shrink import _subsequence

__all__ = ["KnownErrors", "signature"]

_PAIRED = 12  # a case of at most this many distinct words looks in the files of pairs


def signature(detail: dict[str, Any]) -> str:
    """How a case fails: each classifier's labels (and which classifiers failed; and the
    expectation it broke, for a minimum functionality test)."""
    if "expected" in detail:
        return repr((detail.get("labels"), detail.get("failed"), detail.get("relation")))
    return repr((detail.get("labels"), detail.get("failed")))


class KnownErrors:
    def __init__(self, split: Callable[[str], list[str]] = str.split) -> None:
        self._split = split  # a sentence's words (``segment.Words``: whitespace in ASCII)
        self._order: dict[str, int] = {}  # signature -> its order of first sight
        self._held: dict[str, int] = {}  # word -> how many known errors hold it
        self._filed: dict[str, list[int]] = {}  # word -> the errors filed under it
        self._wordless: list[int] = []  # errors of no word at all (empty sentences)
        self._single: list[int] = []  # errors of one distinct word
        self._paired: dict[tuple[str, str], list[int]] = {}  # pair -> errors filed under it
        # per error, in the order found: (its words, each sentence's, its key, its rank:
        # (words in all, its signature's order), its number of sentences)
        self._entries: list[tuple[frozenset[str], list[list[str]], str, tuple[int, int], int]] = []
        self._bags: list[frozenset[str]] = []  # per error, its words (``_entries``' first)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: str, sig: str, sep: str) -> None:
        """Remember the minimal error ``key`` (its sentences joined by ``sep``)."""
        words = [self._split(t) for t in key.split(sep)]
        bag = frozenset(x for w in words for x in w)
        n = len(self._entries)
        if bag:
            rarest = min(bag, key=lambda w: (self._held.get(w, 0), w))
            self._filed.setdefault(rarest, []).append(n)
            for w in bag:
                self._held[w] = self._held.get(w, 0) + 1
            if len(bag) == 1:
                self._single.append(n)
            elif len(bag) <= _PAIRED:  # (a case holding more words looks by single words)
                two = sorted(bag, key=lambda w: (self._held[w], w))[:2]
                self._paired.setdefault((min(two), max(two)), []).append(n)
        else:
            self._wordless.append(n)
        rank = (sum(len(w) for w in words), self._order.setdefault(sig, len(self._order)))
        self._entries.append((bag, words, key, rank, len(words)))
        self._bags.append(bag)

    def within(self, texts: list[str], sig: str | None) -> str | None:
        """The smallest known error failing as ``sig`` (None: any) held by ``texts``."""
        if not self._entries or (sig is not None and sig not in self._order):
            return None
        split = [self._split(t) for t in texts]
        have: set[str] = set().union(*split) if split else set()
        want = None if sig is None else self._order[sig]
        found: list[tuple[int, int, int]] = []  # (words, signature's order, order found)
        bags, entries, n = self._bags, self._entries, len(split)
        # (the words first, in one comprehension: most candidates hold a word ``texts`` lack)
        for i in [i for i in self._candidates(have) if bags[i] <= have]:
            _, _, _, rank, n_texts = entries[i]
            if n_texts == n and (want is None or rank[1] == want):
                found.append((*rank, i))
        for *_, i in sorted(found):
            words = self._entries[i][1]
            if all(_subsequence(w, t) for w, t in zip(words, split, strict=True)):
                return self._entries[i][2]
        return None

    def _candidates(self, have: set[str]) -> list[int]:
        """The errors filed under the words of ``have`` (and those of no word); for a few
        words, those filed under its pairs of words (and those of one word)."""
        out = list(self._wordless)
        if len(have) <= _PAIRED:
            out.extend(self._single)
            paired = self._paired
            for p in combinations(sorted(have), 2):
                filed = paired.get(p)
                if filed:
                    out.extend(filed)
            return out
        for w in have:
            filed = self._filed.get(w)
            if filed:
                out.extend(filed)
        return out
