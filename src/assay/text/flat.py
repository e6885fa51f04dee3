"""Derivations as flat lists: productions in preorder, words in order, and edits of both.

A derivation tree (``generate.Tree``) is walked once into a ``Flat``: each node's production
in preorder (a subtree is a contiguous range of them, ``end`` says where it stops), its depth
and path, and the sentence's words (the tree's non-empty terminals, in order) with the range
of them each node's subtree holds.  A draft of the walk (a word swapped, a subtree
re-derived) is then an edit of the two lists (``Draft``): its sentence is its words joined
(``text``), its statistics are its productions, with no walk of its tree.

``text(draft)`` equals ``generate.tree_text`` of the edited tree and ``draft.prods`` equals
``generate.tree_productions`` of it (the tests check both on random edits).  A draft made
with the run's words interned (``vocab.Vocab``) carries its words as ids too (``ids``:
``vocab.of(words)``, edited as ``words`` is), for what reads a case's words by id (the
statistics); a shrinking candidate's draft (its words split at spaces) carries theirs too
(``shrink.Shrinker.vocab``).  None where a draft was made without a vocabulary.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

from assay.text.generate import Tree, detok

if TYPE_CHECKING:
    from assay.text.vocab import Vocab

__all__ = [
    "Draft",
    "Flat",
    "flatten",
    "node_arrays",
    "replaced",
    "subtree_draft",
    "text",
    "words_of",
]


class Draft:
    """A derivation's productions in preorder and its words (non-empty terminals) in order,
    and their ids when known (``vocab.Vocab``)."""

    __slots__ = ("ids", "prods", "words")

    def __init__(
        self, prods: list[int], words: tuple[str, ...], ids: tuple[int, ...] | None = None
    ) -> None:
        self.prods = prods
        self.words = words
        self.ids = ids


class Flat(Draft):
    """A ``Draft`` with, per node in preorder: where its subtree ends in ``prods`` (``end``),
    its depth, its path in the tree, and the range of ``words`` its subtree holds
    (``first``, ``last``: ``words[first[i]:last[i]]``).  The four of integers are lists
    (what the round's Python and its mypyc build read fastest: as ``array.array`` they cost
    the compiled build ~0.6 us/q, perf52); ``node_arrays`` gives them as 64-bit arrays, for
    a kernel."""

    __slots__ = ("depth", "end", "first", "last", "paths")

    def __init__(self) -> None:
        super().__init__([], ())
        self.end: list[int] = []
        self.depth: list[int] = []
        self.paths: list[tuple[int, ...]] = []
        self.first: list[int] = []
        self.last: list[int] = []


def node_arrays(flat: Flat) -> tuple[array[int], array[int], array[int], array[int]]:
    """``flat``'s ``end``, ``depth``, ``first`` and ``last`` as arrays of 64-bit ints
    (``array.array("q")``: what a compiled kernel reads without a further copy, as
    ``np.frombuffer``), made when asked."""
    return (
        array("q", flat.end),
        array("q", flat.depth),
        array("q", flat.first),
        array("q", flat.last),
    )


def flatten(tree: Tree, vocab: Vocab | None = None) -> Flat:
    """The ``Flat`` of a derivation tree (one walk); its words' ids from ``vocab``."""
    flat = Flat()
    words: list[str] = []
    _walk(tree, (), 0, flat, words)
    flat.words = tuple(words)
    if vocab is not None:
        flat.ids = vocab.of(words)
    return flat


def _walk(t: Tree, path: tuple[int, ...], depth: int, flat: Flat, words: list[str]) -> None:
    """``flatten``'s walk: a function of the module, not a closure calling itself (a
    reference cycle the search's frozen rounds would never free: ``Engine.step``)."""
    i = len(flat.prods)
    flat.prods.append(t[0])
    flat.end.append(0)
    flat.depth.append(depth)
    flat.paths.append(path)
    flat.first.append(len(words))
    flat.last.append(0)
    for k, c in enumerate(t[1]):
        if c.__class__ is str:
            if c:
                words.append(c)
        else:
            _walk(c, (*path, k), depth + 1, flat, words)
    flat.end[i] = len(flat.prods)
    flat.last[i] = len(words)


def subtree_draft(tree: Tree, vocab: Vocab | None = None) -> Draft:
    """The productions and words of a (sub)tree, without the per-node lists of ``Flat``;
    its words' ids from ``vocab``."""
    prods: list[int] = []
    words: list[str] = []
    _draft_walk(tree, prods, words)
    return Draft(prods, tuple(words), None if vocab is None else vocab.of(words))


def _draft_walk(t: Tree, prods: list[int], words: list[str]) -> None:
    """``subtree_draft``'s walk (a function of the module: see ``_walk``)."""
    prods.append(t[0])
    for c in t[1]:
        if c.__class__ is str:
            if c:
                words.append(c)
        else:
            _draft_walk(c, prods, words)


def replaced(
    flat: Flat,
    i: int,
    prods: list[int],
    words: tuple[str, ...],
    ids: tuple[int, ...] | None = None,
) -> Draft:
    """The draft of ``flat`` with node ``i``'s subtree replaced by one of productions
    ``prods`` (preorder) and words ``words`` (their ids ``ids``): a slice of each list (the
    ids only when both ``flat``'s and the new words' are known)."""
    first, last = flat.first[i], flat.last[i]
    have = flat.ids
    return Draft(
        flat.prods[:i] + prods + flat.prods[flat.end[i] :],
        flat.words[:first] + words + flat.words[last:],
        None if have is None or ids is None else have[:first] + ids + have[last:],
    )


def text(draft: Draft) -> str:
    """The draft's sentence, as ``generate.tree_text`` renders its tree."""
    return detok(" ".join(draft.words))


def words_of(items: Any) -> tuple[str, ...]:
    """The non-empty terminals of a production's items (a word choice's words)."""
    return tuple(it for it in items if it.__class__ is str and it)
