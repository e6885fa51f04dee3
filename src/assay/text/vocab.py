"""The run's words as ids, and the word statistics kept per id.

A grammar's terminals are interned once (``Vocab``, in the order of its productions): a
draft of the walk carries its words as ids beside their strings (``flat.Draft.ids``), each
production its non-empty terminals' ids (``prod_words``), and each word the ids of its
parts (a phrase's words, as the statistics count them: "not bad" is "not" and "bad").  A
word met later (a shrinking candidate's, split at its spaces; a known minimal error's,
``known.KnownErrors``; a restored state's) is given the next id.  Ids are the run's, not
stored: a checkpoint stores words as strings (``WordStats.as_dict``), so a state reads back
whatever order a process interned them in.

``Vocab.rendered`` gives the words of a draft's sentence (``flat.text``: ``generate.detok``
of its words joined by spaces) as ``str.split`` reads them, as ids, from the draft's ids
alone: ``detok``'s rule for ASCII on ids (each word's parts at its spaces; a part made only
of ``,.!?;:`` joins the word before it), so a case's known minimal errors are matched on ids
(``known.KnownErrors.within_ids``), with no sentence split.

``WordStats`` holds the statistics of words (cases judged with the word, and failing) as
lists indexed by id, and the order in which words were first counted: the dict of word
strings (``as_dict``), in that order, is made only where a checkpoint (``words_json``), a
summary or a unit's statistics read it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assay.text.grammar import Grammar

__all__ = ["Vocab", "WordStats"]

GLUED = ",.!?;:"  # a part made only of these follows the part before it with no space
# a word's kind (``Vocab.kind``): ``rendered`` reads it as one part, as one part joining the
# part before it, as several parts (its ``parts``), or not at all (not ASCII, another
# whitespace than single spaces between its parts, empty: ``None``)
ONE, GLUE, SEVERAL, OTHER = 0, 1, 2, 3

_LOCK = threading.RLock()  # (re-entered: a word's parts are added inside its own ``_add``)


class Vocab:
    """Words (terminals, and their parts) by id, interned once."""

    __slots__ = ("ids", "kind", "parts", "piece", "prod_words", "strs")

    def __init__(self, g: Grammar | None = None) -> None:
        self.ids: dict[str, int] = {}
        self.strs: list[str] = []
        # per id: the ids of the word's parts, as the statistics count a word
        self.parts: list[tuple[int, ...]] = []
        # per id: how ``rendered`` reads the word (``ONE``, ``GLUE``, ``SEVERAL``, ``OTHER``)
        self.kind: list[int] = []
        # per id: the word as ``text`` writes it after the words before it (``_piece``)
        self.piece: list[str | None] = []
        # per production: its non-empty terminals' ids, in order (``flat.words_of``'s)
        self.prod_words: list[tuple[int, ...]] = []
        if g is not None:
            self.prod_words = [
                self.of([it for it in items if isinstance(it, str) and it])
                for _s, items in g.productions
            ]

    def __len__(self) -> int:
        return len(self.strs)

    def id(self, word: str) -> int:
        """The id of ``word`` (given the next one when new)."""
        got = self.ids.get(word)
        return self._add(word) if got is None else got

    def of(self, words: Sequence[str]) -> tuple[int, ...]:
        """The ids of ``words``, in order (a sequence: read twice when one is new)."""
        ids = self.ids
        try:  # (one lookup a word: nearly every word is known)
            return tuple([ids[w] for w in words])
        except KeyError:
            return tuple([ids[w] if w in ids else self._add(w) for w in words])

    def _add(self, word: str) -> int:
        # (a lagged round's shrinking, on its own thread, may meet a word while the next
        # round is drafted: one id per word, given under the lock)
        with _LOCK:
            got = self.ids.get(word)
            if got is not None:
                return got
            i = len(self.strs)
            self.strs.append(word)
            self.parts.append((i,))
            self.kind.append(_kind(word))
            self.piece.append(_piece(word))
            # the parts as ``engine._stats_of`` always split a word: at whitespace when it
            # holds a space (or is empty: no part), else the word itself
            if " " in word or not word:
                self.parts[i] = tuple(self.id(p) for p in word.split())
            self.ids[word] = i  # (last: a word is known once its parts are)
            return i

    def rendered(self, ids: Sequence[int]) -> list[int] | None:
        """The ids of the words ``str.split`` reads in ``flat.text`` of a draft of words
        ``ids`` (-1: a word never interned); None when a word is one ``detok``'s rule for
        ASCII does not cover (``OTHER``: the caller splits the sentence)."""
        kind, parts, strs = self.kind, self.parts, self.strs
        out: list[int] = []
        joined = ""  # the last word's text when parts were joined into it (else "")
        for x in ids:
            k = kind[x]
            if k == ONE:
                out.append(x)
                joined = ""
            elif k == GLUE:
                if out:
                    joined = (joined or strs[out[-1]]) + strs[x]
                    out[-1] = self.ids.get(joined, -1)
                else:
                    out.append(x)
            elif k == SEVERAL:
                for y in parts[x]:
                    if kind[y] == GLUE and out:
                        joined = (joined or strs[out[-1]]) + strs[y]
                        out[-1] = self.ids.get(joined, -1)
                    else:
                        out.append(y)
                        joined = ""
            else:
                return None
        return out

    def text(self, ids: Sequence[int]) -> str | None:
        """``flat.text`` of a draft of words ``ids`` (``generate.detok`` of the words joined
        by spaces) from the words' pieces alone, no regex: for ASCII words of parts at single
        spaces, ``detok`` drops exactly the space before a part made only of ``,.!?;:`` (a
        part holds no space, so such a run of marks reaching a space or the end is a whole
        part); each word's piece is its parts so joined, each after a space but those; the
        sentence is the pieces joined, less the space before the first.  None when a word is
        one the rule does not cover (``OTHER``: the caller renders the words)."""
        piece = self.piece
        try:
            out = "".join([piece[x] for x in ids])  # type: ignore[misc]
        except TypeError:  # (a word of no piece: None)
            return None
        return out[1:] if out[:1] == " " else out


def _piece(word: str) -> str | None:
    """``word`` as ``Vocab.text`` writes it after the words before it (None: ``OTHER``)."""
    kind = _kind(word)
    if kind == OTHER:
        return None
    parts = word.split(" ")
    return "".join([p if _kind(p) == GLUE else " " + p for p in parts])


def _kind(word: str) -> int:
    """How ``Vocab.rendered`` reads ``word`` (``ONE``, ``GLUE``, ``SEVERAL``, ``OTHER``)."""
    if not word or not word.isascii() or word.split(" ") != word.split():
        return OTHER
    if " " in word:
        return SEVERAL
    return GLUE if all(c in GLUED for c in word) else ONE


class WordStats:
    """Per word id: the cases judged with the word (``n``) and those failing (``err``), and
    the ids in the order they were first counted (``order``)."""

    __slots__ = ("err", "n", "order", "vocab")

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.n: list[int] = []
        self.err: list[int] = []
        self.order: list[int] = []

    def count(self, parts: Sequence[int], err: int) -> None:
        """One case judged with the words ``parts`` (each once), failing when ``err``."""
        n, errs = self.n, self.err
        if len(n) < len(self.vocab):
            self._grow()
        for p in parts:
            if not n[p]:
                self.order.append(p)
            n[p] += 1
            errs[p] += err

    def _grow(self) -> None:
        more = len(self.vocab) - len(self.n)
        self.n.extend([0] * more)
        self.err.extend([0] * more)

    def as_dict(self) -> dict[str, list[int]]:
        """The statistics by word string, in the order words were first counted."""
        strs, n, err = self.vocab.strs, self.n, self.err
        return {strs[i]: [n[i], err[i]] for i in self.order}

    def load(self, words: Mapping[str, Sequence[int]]) -> None:
        """The statistics of a dict of word strings (``as_dict``'s, or a state's stored
        before ids), its order kept."""
        self.n, self.err, self.order = [], [], []
        ids = [self.vocab.id(str(w)) for w in words]
        self._grow()
        self.order = ids  # (a word stored with no case yet is listed again when counted:
        # ``as_dict`` keeps its first place)
        for i, got in zip(ids, words.values(), strict=True):
            self.n[i] = int(got[0])
            self.err[i] = int(got[1])
