"""Derivations: random (uniform or weighted), depth-bounded, exhaustive; trees and their edits.

A derivation tree is ``(production, children)``: one child per item of the production, a
tree for a symbol and the word itself for a terminal.  Trees are tuples (hashable, cheap to
share between edited copies).  ``BatchGenerator`` makes sentences without trees, a whole
batch at a time (numpy object arrays), for bulk generation and coverage.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from assay.errors import UsageError
from assay.text.grammar import Grammar
from assay.text.spacing import BEYOND_ASCII
from assay.text.spacing import rule as _rule
from assay.text.spacing import spaced as _spaced

__all__ = [
    "BatchGenerator",
    "Draws",
    "Sampler",
    "Tree",
    "count_derivations",
    "deepest_derivation",
    "enumerate_trees",
    "nodes",
    "replace_at",
    "subtree_at",
    "tree_from_json",
    "tree_productions",
    "tree_size",
    "tree_text",
    "tree_to_json",
    "tree_words",
]

Tree = tuple[int, tuple[Any, ...]]
DEFAULT_MAX_DEPTH = 24
DEEPEST = 300  # --max-depth at most: a derivation of 600 levels exceeded Python's recursion
_MANY = 64  # alternatives: a symbol of more has its steered weights summed in numpy


# a space before a word made only of these marks ("," "." "..." "?!") is dropped
_GLUED = re.compile(r" (?=[,.!?;:]+(?: |$))")
_SPACED = tuple(" " + mark for mark in ",.!?;:")  # (made once: ``detok`` runs per draft)


def detok(text: str) -> str:
    """Words joined by spaces, with no space before a word made only of punctuation marks
    (``,.!?;:``: "good , but" reads "good, but", "wait ..." "wait...").  A word that merely
    starts with one keeps its space: an emoticon (``:)``, ``:-(``, ``;)``) is a word of its
    own to a sentiment lexicon, and "fine :)" read "fine:)" before (VADER scores that as
    "fine" alone: a CheckList-style "add a smiley" test could never be written).  Text
    beyond ASCII follows its languages' rules too (``spacing``: no space between Chinese,
    Japanese or Thai words nor around their punctuation, none before Arabic's marks, ...),
    unless the run was made before those rules (``spacing.rule``: English's for every
    script)."""
    if " " not in text:
        return text
    if not text.isascii() and _rule() == BEYOND_ASCII:
        return _spaced(text)
    for spaced in _SPACED:
        if spaced in text:
            return _GLUED.sub("", text)
    return text


class Draws:
    """Uniform numbers drawn from the run's generator a block at a time (fast, reproducible)."""

    def __init__(self, rng: np.random.Generator, block: int = 4096) -> None:
        self.rng = rng
        self.block = block
        self._left: list[float] = []  # the block's numbers not drawn yet, the next one last
        self._pop = self._left.pop

    def restart(self) -> None:
        """Drop the numbers of the block not drawn yet: the next draw starts a new block."""
        self._left.clear()

    def next(self) -> float:
        try:
            return self._pop()
        except IndexError:  # the block is spent (a C-level pop: called ~25 times a query)
            self._left.extend(self.rng.random(self.block).tolist()[::-1])
            return self._pop()

    def below(self, n: int) -> int:
        return min(int(self.next() * n), n - 1)


class Sampler:
    """Random derivation trees, weighted by the grammar's weights (or uniform), depth-bounded."""

    def __init__(
        self, grammar: Grammar, *, max_depth: int = DEFAULT_MAX_DEPTH, weighted: bool = True
    ) -> None:
        need = grammar.height[grammar.start]
        if max_depth > DEEPEST or need > DEEPEST:
            raise UsageError(
                f"at most {DEEPEST} (assay walks derivation trees by recursion, which goes no "
                f"deeper); the grammar "
                f"needs a depth of at least {need} to finish a sentence"
                + (": shorten its longest chain of rules" if need > DEEPEST else ""),
                argument="--max-depth",
            )
        if max_depth < need:
            raise UsageError(
                f"the grammar needs a depth of at least {need} to finish a sentence; "
                f"max depth is {max_depth}",
                argument="--max-depth",
            )
        self.g = grammar
        self.max_depth = max_depth
        self.weighted = weighted
        self._choices: dict[tuple[int, int], tuple[Sequence[int], Sequence[float]]] = {}
        self._tallest: dict[int, int] = {}  # per symbol: its deepest production's height
        self._every: dict[int, tuple[Sequence[int], Sequence[float]]] = {}  # (all fit)
        self._shortest: dict[int, Tree] = {}
        self._bias_memo: list[tuple[np.ndarray, dict[Any, Any]]] = []
        self._shortest_with: dict[int, Tree] = {}
        self._weights: np.ndarray | None = None  # the grammar's weights as an array

    def choices(self, s: int, budget: int) -> tuple[Sequence[int], Sequence[float]]:
        """Productions of ``s`` that finish within ``budget`` levels, and cumulative weights.
        When all of them do, the grammar's own sequence, the same for every such budget, and
        equal weights' sums as a ``range`` (900,000 nouns were listed, with their sums, once
        per depth left and sampler: 72 B a noun each time)."""
        key = (s, budget)
        got = self._choices.get(key)
        if got is None:
            g = self.g
            alts = g.alternatives[s]
            tallest = self._tallest.get(s)
            if tallest is None:
                tallest = self._tallest[s] = max((g.prod_height[p] for p in alts), default=0)
            if tallest <= budget:
                got = self._every.get(s)
                if got is None:
                    got = self._every[s] = (alts, self._cumulative(alts))
            else:
                prods = [p for p in alts if g.prod_height[p] <= budget]
                got = (prods, self._cumulative(prods))
            self._choices[key] = got
        return got

    def _cumulative(self, prods: Sequence[int]) -> Sequence[float]:
        """The cumulative weights of ``prods``, added in order (weights all 1: 1, 2, ..., n,
        which a ``range`` holds exactly: bisecting it finds what the list of sums would)."""
        weights = self.g.weights
        if not self.weighted or all(weights[p] == 1.0 for p in prods):
            return range(1, len(prods) + 1)
        acc, cum = 0.0, []
        for p in prods:
            acc += weights[p]
            cum.append(acc)
        return cum

    def tree(self, s: int, budget: int, draws: Draws, bias: np.ndarray | None = None) -> Tree:
        """A random derivation of symbol ``s`` at most ``budget`` levels deep."""
        if bias is None:
            return self._plain(s, budget, draws.next)
        return self._biased(s, budget, draws.next, bias, self.steered(bias))

    def _plain(self, s: int, budget: int, draw: Any) -> Tree:
        prods, cum = self.choices(s, budget)
        if len(prods) == 1:
            p = prods[0]
        else:  # the first cumulative weight above u (as a scan adding the weights in order)
            p = prods[min(bisect.bisect_right(cum, draw() * cum[-1]), len(cum) - 1)]
        items = self.g.productions[p][1]
        if self.g.lexical[p]:
            return (p, items)
        return (
            p,
            tuple(
                [it if isinstance(it, str) else self._plain(it, budget - 1, draw) for it in items]
            ),
        )

    def _biased(
        self,
        s: int,
        budget: int,
        draw: Any,
        bias: np.ndarray,
        steered: dict[Any, Any],
    ) -> Tree:
        """``tree`` steered by ``bias`` (``steered``: per (symbol, depth left), its choices and
        their cumulative weights, made once per bias array: ``steered``)."""
        got = steered.get((s, budget))
        if got is None:
            prods = self.choices(s, budget)[0]
            got = steered[s, budget] = (
                prods,
                None if len(prods) == 1 else self._steered_cum(prods, bias),
            )
        prods, bcum = got
        if bcum is None:
            p = prods[0]
        else:
            # the first cumulative weight above u (as a scan adding the weights in order)
            u = draw() * bcum[-1]
            p = prods[min(bisect.bisect_right(bcum, u), len(bcum) - 1)]
        g = self.g
        items = g.productions[p][1]
        if g.lexical[p]:
            return (p, items)
        return (
            p,
            tuple(
                [
                    it if isinstance(it, str) else self._biased(it, budget - 1, draw, bias, steered)
                    for it in items
                ]
            ),
        )

    def _steered_cum(self, prods: Sequence[int], bias: np.ndarray) -> list[float] | np.ndarray:
        """The cumulative weights of ``prods`` steered by ``bias``: added in order, in numpy
        for a symbol of many alternatives (the same sums: a cumulative sum adds in order),
        kept as an array (a list of 900,000 floats was 29 MB a table; bisected alike)."""
        if len(prods) <= _MANY:
            w = [(self.g.weights[q] if self.weighted else 1.0) * float(bias[q]) for q in prods]
            return list(itertools.accumulate(w))
        at = np.asarray(prods, dtype=np.int64)
        if self._weights is None:
            self._weights = np.asarray(self.g.weights, dtype=np.float64)
        base = self._weights[at] if self.weighted else np.ones(len(at))
        out: np.ndarray = np.cumsum(base * bias[at])
        return out

    def steered(self, bias: np.ndarray) -> dict[Any, Any]:
        """Cumulative weights steered by ``bias``, per (symbol, depth left), made once per
        bias array (a search's round uses one or two; by identity, holding the array); a
        walk's word swaps keep theirs in it too (``moves._other_word``)."""
        for held, table in self._bias_memo:
            if held is bias:
                return table
        table = {}
        self._bias_memo = [*self._bias_memo[-3:], (bias, table)]
        return table

    def sentence_tree(self, draws: Draws, bias: np.ndarray | None = None) -> Tree:
        return self.tree(self.g.start, self.max_depth, draws, bias)

    def alternative_tree(
        self, p: int, budget: int, draws: Draws, bias: np.ndarray | None = None
    ) -> Tree:
        """A derivation that uses production ``p`` at its root."""
        items = self.g.productions[p][1]
        return (
            p,
            tuple(
                self.tree(it, budget - 1, draws, bias) if isinstance(it, int) else it
                for it in items
            ),
        )

    def shortest(self, s: int) -> Tree:
        """The derivation of ``s`` with the fewest words (then the shallowest)."""
        got = self._shortest.get(s)
        if got is None:
            g = self.g
            best = min(g.alternatives[s], key=lambda p: (g.prod_words[p], g.prod_height[p], p))
            got = self.shortest_with(best)
            self._shortest[s] = got
        return got

    def shortest_with(self, p: int) -> Tree:
        got = self._shortest_with.get(p)
        if got is None:
            items = self.g.productions[p][1]
            got = (p, tuple(self.shortest(it) if isinstance(it, int) else it for it in items))
            self._shortest_with[p] = got
        return got


# -- trees -----------------------------------------------------------------------------------


def tree_words(tree: Tree, out: list[str] | None = None) -> list[str]:
    words: list[str] = [] if out is None else out
    for c in tree[1]:
        if c.__class__ is str:
            words.append(c)
        else:
            tree_words(c, words)
    return words


_JOINED: dict[int, tuple[Tree, str]] = {}  # subtree identity -> (subtree, words joined)


def _joined(tree: Tree) -> str:
    """The words of a subtree joined by single spaces, as ``" ".join(tree_words(tree))``.
    Remembered by identity: edited trees share their untouched subtrees, so only the path
    from the root to the edit is joined again (the memo holds each subtree it names, so an
    identity is never reused while it is there)."""
    got = _JOINED.get(id(tree))
    if got is not None and got[0] is tree:
        return got[1]
    parts = [c if c.__class__ is str else _joined(c) for c in tree[1]]
    text = " ".join(x for x in parts if x) if "" in parts else " ".join(parts)
    if len(_JOINED) >= 65_536:  # bounded: a long run makes millions of subtrees
        _JOINED.clear()
    _JOINED[id(tree)] = (tree, text)
    return text


def remember_joined(tree: Tree, text: str) -> None:
    """Tell ``tree_text`` the words of ``tree`` joined (a caller that joined them already)."""
    if len(_JOINED) >= 65_536:
        _JOINED.clear()
    _JOINED[id(tree)] = (tree, text)


def tree_text(tree: Tree) -> str:
    return detok(_joined(tree))


def tree_productions(tree: Tree, out: list[int] | None = None) -> list[int]:
    prods: list[int] = [] if out is None else out
    prods.append(tree[0])
    for c in tree[1]:
        if c.__class__ is not str:
            tree_productions(c, prods)
    return prods


def tree_size(tree: Tree) -> int:
    return 1 + sum(tree_size(c) for c in tree[1] if not isinstance(c, str))


def nodes(
    tree: Tree,
    path: tuple[int, ...] = (),
    depth: int = 0,
    out: list[tuple[tuple[int, ...], int, int]] | None = None,
) -> list[tuple[tuple[int, ...], int, int]]:
    """Every node as (path, production, depth), preorder."""
    acc: list[tuple[tuple[int, ...], int, int]] = [] if out is None else out
    acc.append((path, tree[0], depth))
    for i, c in enumerate(tree[1]):
        if not isinstance(c, str):
            nodes(c, (*path, i), depth + 1, acc)
    return acc


def subtree_at(tree: Tree, path: tuple[int, ...]) -> Tree:
    for i in path:
        tree = tree[1][i]
    return tree


def replace_at(tree: Tree, path: tuple[int, ...], new: Tree) -> Tree:
    if not path:
        return new
    i = path[0]
    children = list(tree[1])
    children[i] = replace_at(children[i], path[1:], new)
    return (tree[0], tuple(children))


def tree_to_json(tree: Tree) -> list[Any]:
    return [tree[0], [c if isinstance(c, str) else tree_to_json(c) for c in tree[1]]]


def tree_from_json(data: Any) -> Tree:
    return (int(data[0]), tuple(c if isinstance(c, str) else tree_from_json(c) for c in data[1]))


# -- exhaustive --------------------------------------------------------------------------------


def count_derivations(
    grammar: Grammar, max_depth: int = DEFAULT_MAX_DEPTH, cap: int = 10**12
) -> int:
    """How many derivations the start symbol has within ``max_depth`` (capped at ``cap``)."""
    return _count(grammar, grammar.start, max_depth, {}, cap)


def _count(
    grammar: Grammar, s: int, budget: int, memo: dict[tuple[int, int], int], cap: int
) -> int:
    """``count_derivations``'s recursion (a function of the module: a closure calling
    itself is a reference cycle, never freed while a search's rounds freeze the heap)."""
    key = (s, budget)
    if key in memo:
        return memo[key]
    total = 0
    for p in grammar.alternatives[s]:
        if grammar.prod_height[p] > budget:
            continue
        n = 1
        for it in grammar.productions[p][1]:
            if isinstance(it, int):
                n = min(n * _count(grammar, it, budget - 1, memo, cap), cap)
        total = min(total + n, cap)
    memo[key] = total
    return total


def deepest_derivation(grammar: Grammar) -> int:
    """The depth of the deepest derivation of a finite (acyclic) grammar's start symbol, in
    levels as ``count_derivations`` counts them; computed without recursion (a chain of
    100,000 rules is 100,000 deep)."""
    depth: dict[int, int] = {}
    stack = [grammar.start]
    while stack:
        s = stack[-1]
        if s in depth:
            stack.pop()
            continue
        children = [
            it
            for p in grammar.alternatives[s]
            for it in grammar.productions[p][1]
            if isinstance(it, int)
        ]
        todo = [c for c in children if c not in depth]
        if todo:
            stack.extend(todo)
            continue
        depth[s] = 1 + max((depth[c] for c in children), default=0)
        stack.pop()
    return depth[grammar.start]


def enumerate_trees(grammar: Grammar, max_depth: int = DEFAULT_MAX_DEPTH) -> Iterator[Tree]:
    """Every derivation within ``max_depth``, in a fixed order (for small grammars)."""
    return _trees(grammar, grammar.start, max_depth)


def _trees(grammar: Grammar, s: int, budget: int) -> Iterator[Tree]:
    """``enumerate_trees``'s recursion, a function of the module (see ``_count``)."""
    for p in grammar.alternatives[s]:
        if grammar.prod_height[p] > budget:
            continue
        items = grammar.productions[p][1]
        options = [
            [it] if isinstance(it, str) else list(_trees(grammar, it, budget - 1)) for it in items
        ]
        for combo in itertools.product(*options):
            yield (p, tuple(combo))


# -- bulk generation -----------------------------------------------------------------------------


class BatchGenerator:
    """Sentences a batch at a time: each symbol is expanded once per batch, not per sentence.

    ``used`` counts how many sentences used each production (coverage).
    """

    def __init__(
        self,
        grammar: Grammar,
        rng: np.random.Generator,
        *,
        max_depth: int = DEFAULT_MAX_DEPTH,
        weighted: bool = True,
    ) -> None:
        self.sampler = Sampler(grammar, max_depth=max_depth, weighted=weighted)
        self.g = grammar
        self.rng = rng
        self.used = np.zeros(grammar.n_productions, dtype=np.int64)
        self._cum: dict[tuple[int, int], tuple[Sequence[int], np.ndarray]] = {}

    def _choices(self, s: int, budget: int) -> tuple[Sequence[int], np.ndarray]:
        key = (s, budget)
        got = self._cum.get(key)
        if got is None:
            prods, cum = self.sampler.choices(s, budget)
            got = (prods, np.asarray(cum, dtype=np.float64))
            self._cum[key] = got
        return got

    def _gen(self, s: int, budget: int, n: int) -> Any:
        prods, cum = self._choices(s, budget)
        if len(prods) == 1:
            return self._expand(prods[0], budget, n)
        pick = np.searchsorted(cum, self.rng.random(n) * cum[-1], side="right")
        out = np.empty(n, dtype=object)
        for k, p in enumerate(prods):
            idx = np.flatnonzero(pick == k)
            if len(idx):
                out[idx] = self._expand(p, budget, len(idx))
        return out

    def _expand(self, p: int, budget: int, n: int) -> Any:
        """Sentences of production ``p``, each word with its leading space (none before
        punctuation), so that pieces join by plain concatenation."""
        self.used[p] += n
        acc: Any = None
        text = ""
        for it in self.g.productions[p][1]:
            if isinstance(it, str):
                text += it if it[0] in ",.!?;:" else " " + it
                continue
            piece = self._gen(it, budget - 1, n)
            if text:
                piece = text + piece
                text = ""
            acc = piece if acc is None else acc + piece
        if text:
            if acc is None:
                out = np.empty(n, dtype=object)
                out[:] = text
                return out
            acc = acc + text
        if acc is None:
            out = np.empty(n, dtype=object)
            out[:] = ""
            return out
        return acc

    def sentences(self, n: int) -> list[str]:
        out = self._gen(self.g.start, self.sampler.max_depth, n)
        got = [t[1:] if t[:1] == " " else t for t in out.tolist()]
        # (beyond ASCII, spaced as ``detok`` spaces it: "我不喜欢", not "我 不 喜欢")
        if _rule() != BEYOND_ASCII:  # (a run made before: English's join, as ``_gen``'s)
            return got
        return [t if t.isascii() else _spaced(t) for t in got]

    @property
    def coverage(self) -> float:
        return float(np.mean(self.used > 0)) if len(self.used) else 0.0
