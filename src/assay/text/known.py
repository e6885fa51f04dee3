"""The minimal errors a text run knows, for asking which of them a case holds.

``KnownErrors.within(texts, sig)`` (``within_ids``: the texts' words as ids) gives the
smallest known minimal error (fewest words; ties: signatures in the order first seen, then
the order found) failing as ``sig`` (None: in any way) whose every sentence is a subsequence
of the words of ``texts``' (``segment.Words``: a sentence of Chinese is split into the
grammar's words).  It is asked for most
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

Words are filed and compared as ids (``vocab.Vocab``: the run's, shared with its drafts and
statistics; an error's words are interned when it is added, a case's are looked up, a word
no error holds reading as -1), the pair index keyed by pairs of ids.  Which of its words
an error is filed under (ties: the least id) decides only how many files a case reads, not
what it finds: every error a case holds is in exactly one file the case reads.  Nothing of
it is stored: a resumed run files its minimal errors again from their keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Any

from assay.text.vocab import Vocab

__all__ = ["KnownErrors", "signature"]

_PAIRED = 12  # a case of at most this many distinct words looks in the files of pairs


def signature(detail: dict[str, Any]) -> str:
    """How a case fails: each classifier's labels (and which classifiers failed; and the
    expectation it broke, for a minimum functionality test)."""
    if "expected" in detail:
        return repr((detail.get("labels"), detail.get("failed"), detail.get("relation")))
    return repr((detail.get("labels"), detail.get("failed")))


class KnownErrors:
    def __init__(
        self, split: Callable[[str], list[str]] = str.split, vocab: Vocab | None = None
    ) -> None:
        self._split = split  # a sentence's words (``segment.Words``: whitespace in ASCII)
        self._vocab = Vocab() if vocab is None else vocab  # (the run's words' ids)
        self._order: dict[str, int] = {}  # signature -> its order of first sight
        self._held: dict[int, int] = {}  # word id -> how many known errors hold it
        self._filed: dict[int, list[int]] = {}  # word id -> the errors filed under it
        self._wordless: list[int] = []  # errors of no word at all (empty sentences)
        self._single: list[int] = []  # errors of one distinct word
        self._paired: dict[tuple[int, int], list[int]] = {}  # id pair -> errors filed under it
        # per error, in the order found: (its word ids, each sentence's, its key, its rank:
        # (words in all, its signature's order), its number of sentences)
        self._entries: list[
            tuple[frozenset[int], list[tuple[int, ...]], str, tuple[int, int], int]
        ] = []
        self._bags: list[frozenset[int]] = []  # per error, its word ids (``_entries``' first)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: str, sig: str, sep: str) -> None:
        """Remember the minimal error ``key`` (its sentences joined by ``sep``)."""
        of = self._vocab.of
        words = [of(self._split(t)) for t in key.split(sep)]
        bag = frozenset(x for w in words for x in w)
        n = len(self._entries)
        held = self._held
        if bag:
            rarest = min(bag, key=lambda w: (held.get(w, 0), w))
            self._filed.setdefault(rarest, []).append(n)
            for w in bag:
                held[w] = held.get(w, 0) + 1
            if len(bag) == 1:
                self._single.append(n)
            elif len(bag) <= _PAIRED:  # (a case holding more words looks by single words)
                a, b = sorted(bag, key=lambda w: (held[w], w))[:2]
                self._paired.setdefault((a, b) if a < b else (b, a), []).append(n)
        else:
            self._wordless.append(n)
        rank = (sum(len(w) for w in words), self._order.setdefault(sig, len(self._order)))
        self._entries.append((bag, words, key, rank, len(words)))
        self._bags.append(bag)

    def have(self, words: Iterable[str]) -> set[int]:
        """The ids of ``words`` that some known error may hold (a word never interned is
        held by none: left out)."""
        get = self._vocab.ids.get
        out = {get(w, -1) for w in words}
        out.discard(-1)
        return out

    def within(self, texts: list[str], sig: str | None) -> str | None:
        """The smallest known error failing as ``sig`` (None: any) held by ``texts``."""
        if not self._entries or (sig is not None and sig not in self._order):
            return None
        get = self._vocab.ids.get
        # each sentence's words as ids (-1: a word no error holds)
        return self.within_ids([[get(w, -1) for w in self._split(t)] for t in texts], sig)

    def within_ids(self, ids: list[list[int]], sig: str | None) -> str | None:
        """``within`` of sentences given as the ids of their words (as ``self._split`` reads
        them: ``vocab.Vocab.rendered``; -1: a word never interned)."""
        if not self._entries or (sig is not None and sig not in self._order):
            return None
        have: set[int] = set().union(*ids)
        have.discard(-1)
        want = None if sig is None else self._order[sig]
        found: list[tuple[int, int, int]] = []  # (words, signature's order, order found)
        bags, entries, n = self._bags, self._entries, len(ids)
        # (the words first, in one comprehension: most candidates hold a word ``texts`` lack)
        for i in [i for i in self._candidates(have) if bags[i] <= have]:
            _, _, _, rank, n_texts = entries[i]
            if n_texts == n and (want is None or rank[1] == want):
                found.append((*rank, i))
        for *_, i in sorted(found):
            words = entries[i][1]
            if all(_in_order(w, t) for w, t in zip(words, ids, strict=True)):
                return entries[i][2]
        return None

    def _candidates(self, have: set[int]) -> list[int]:
        """The errors filed under the word ids of ``have`` (and those of no word); for a few
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


def _in_order(small: tuple[int, ...], big: list[int]) -> bool:
    """Whether the word ids ``small`` are ``big``'s with some left out, in order
    (``shrink._subsequence``'s loop, typed for ids: a compiled build compares them as ints)."""
    it = iter(big)
    for w in small:
        for b in it:
            if b == w:
                break
        else:
            return False
    return True
