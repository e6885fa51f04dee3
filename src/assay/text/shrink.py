"""Shrinking: reduce a failing case to a minimal one that still fails.

A candidate replaces one subtree by the shortest derivation of one of its symbol's
alternatives; it is kept only when it is smaller: fewer words, then fewer derivation nodes
(a simpler derivation).  Every round asks all candidates of all cases being shrunk in one
batch and moves each case to its smallest failing candidate, until none fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assay.text.flat import Draft
from assay.text.generate import Sampler, remember_joined, replace_at, tree_productions
from assay.text.oracle import Case, Oracle

if TYPE_CHECKING:
    from assay.text.vocab import Vocab

__all__ = ["Shrinker", "case_size"]


_SIZES: dict[int, tuple[Any, int, int]] = {}  # subtree identity -> (subtree, words, nodes)


def case_size(case: Case) -> tuple[int, int]:
    return size_of(case.tree)


def size_of(tree: Any) -> tuple[int, int]:
    """(words, nodes) of a derivation, remembered by identity across calls: edited trees
    share their untouched subtrees (bounded; the memo holds each subtree it names, so an
    identity is never reused while it is there)."""
    if len(_SIZES) >= 8192:
        _SIZES.clear()
    return measure(tree, _SIZES)


def measure(tree: Any, memo: dict[int, tuple[Any, int, int]]) -> tuple[int, int]:
    """(words, nodes) of a derivation; ``memo`` is keyed by object identity and holds the
    object too, so that an identity is never reused by another object while it is there."""
    got = memo.get(id(tree))
    if got is None or got[0] is not tree:
        words, count = 0, 1
        for c in tree[1]:
            if c.__class__ is str:
                words += len(c.split()) if " " in c else 1
                continue
            known = memo.get(id(c))  # (the lookup inlined: most children are known)
            if known is not None and known[0] is c:
                words += known[1]
                count += known[2]
            else:
                w, k = measure(c, memo)
                words += w
                count += k
        got = (tree, words, count)
        memo[id(tree)] = got
    return got[1], got[2]


def _split_words(tree: Any, out: list[str] | None = None) -> list[str]:
    """The words of a derivation, a terminal of several words giving each of them."""
    words: list[str] = [] if out is None else out
    for c in tree[1]:
        if c.__class__ is str:
            if " " in c:
                words.extend(c.split())
            else:
                words.append(c)
        else:
            _split_words(c, words)
    return words


def _subsequence(small: Sequence[str], big: Sequence[str]) -> bool:
    """Whether ``small``'s words are ``big``'s with some left out (in order).  A plain loop:
    asked ~4,000 times a run (shrinking's options, ``known.within``), the generators of
    ``all(any(...))`` cost several times the comparisons."""
    it = iter(big)
    for w in small:
        for b in it:
            if b == w:
                break
        else:
            return False
    return True


# a symbol with more alternatives than this is shrunk through an index of them (``_viable``)
MANY_ALTERNATIVES = 64


def _item_words(items: tuple[Any, ...]) -> set[str]:
    """The words of an alternative's terminals, as ``_split_words`` splits them."""
    out: set[str] = set()
    for it in items:
        if isinstance(it, str):
            out.update(it.split() if " " in it else [it])
    return out


def _rarest_words(alternatives: list[tuple[Any, ...]]) -> list[str | None]:
    """Per alternative (its items), the word of its terminals that the fewest alternatives
    hold (then the least in text order; None: it has no words).  A replacement keeps only
    words of the subtree it replaces, so it holds its rarest word there too: indexed by it,
    an alternative is found from the subtree's words, and few alternatives share one
    (indexed by the first word, 50,000 sentences "sentence number N was good" shared
    "sentence", and shrinking one scanned them all)."""
    words = [_item_words(items) for items in alternatives]
    held: dict[str, int] = {}
    for ws in words:
        for w in ws:
            held[w] = held.get(w, 0) + 1
    return [min(ws, key=lambda w: (held[w], w)) if ws else None for ws in words]


Node = tuple[tuple[int, ...], Any, int, int, int]  # path, subtree, word span, subtree's end


def _list_nodes(t: Any, path: tuple[int, ...], listing: list[Node], all_words: list[str]) -> None:
    """Every node of ``t`` in preorder with its path, its word span and where its subtree
    ends in the listing (``_candidates``; the words as ``_split_words`` gives them): a
    function of the module, not a closure calling itself, whose reference cycle the
    search's frozen rounds would never free (``Engine.step``)."""
    at = len(listing)
    listing.append((path, t, len(all_words), 0, 0))
    for i, c in enumerate(t[1]):
        if c.__class__ is str:
            if " " in c:
                all_words.extend(c.split())
            else:
                all_words.append(c)
        else:
            _list_nodes(c, (*path, i), listing, all_words)
    listing[at] = (path, t, listing[at][2], len(all_words), len(listing))


class Shrinker:
    def __init__(
        self,
        oracle: Oracle,
        sampler: Sampler,
        *,
        max_rounds: int = 40,
        max_candidates: int = 32,
        chunk: int = 32,
        vocab: Vocab | None = None,
    ) -> None:
        self.chunk = chunk
        self.vocab = vocab  # (the run's words' ids: a candidate's draft carries its words')
        # each subtree's options (``_options``), by value: they depend on the subtree alone,
        # and the cases shrunk in a run hold many equal subtrees ("the food", "is good")
        self._opts: dict[Any, list[tuple[int, int, Any, list[str]]]] = {}
        # a symbol of many alternatives: its alternatives by what a replacement needs
        # (``_viable``), built at its first use
        self._index: dict[int, dict[tuple[frozenset[int], str | None], list[int]]] = {}
        # every terminal is words separated by single spaces (or nothing): a candidate's
        # words joined are its text (as ``tree_text`` joins it)
        self._plain = all(
            it == " ".join(it.split())
            for _, items in oracle.g.productions
            for it in items
            if isinstance(it, str)
        )
        # per production: its size as ``measure`` gives it when it is a word choice (all
        # terminals), else None; equal sizes one tuple (900,000 nouns: one (1, 1), not 900,000)
        same: dict[tuple[int, int], tuple[int, int]] = {}
        self._lexical: list[tuple[int, int] | None] = [
            _once(
                same,
                sum(len(it.split()) if " " in it else 1 for it in items if isinstance(it, str)),
            )
            if oracle.g.lexical[p]
            else None
            for p, (_s, items) in enumerate(oracle.g.productions)
        ]
        self.oracle = oracle
        self.sampler = sampler
        self.max_rounds = max_rounds
        self.max_candidates = max_candidates

    def _replacements(
        self, sub: Any, below: list[Any], size: tuple[int, int] | None = None
    ) -> list[Any]:
        """Smaller derivations of the same symbol as ``sub``: a descendant of the same symbol
        (hoisting; ``below`` lists the descendants), or another alternative that keeps
        children of the same symbols (the others must be able to derive nothing).  With
        ``size`` (``sub``'s, as ``measure`` gives it), the word choices not smaller than it
        are left out (a word node's alternatives are mostly other single words)."""
        g = self.oracle.g
        s = g.productions[sub[0]][0]
        out: list[Any] = [d for d in below if g.productions[d[0]][0] == s]
        kids: dict[int, list[Any]] = {}
        for c in sub[1]:
            if not isinstance(c, str):
                kids.setdefault(g.productions[c[0]][0], []).append(c)
        lexical = self._lexical
        for q in self._viable(s, kids, sub):
            own = lexical[q]
            if size is not None and own is not None and own >= size:
                continue
            options: list[list[Any]] = []
            for it in g.productions[q][1]:
                if isinstance(it, str):
                    options.append([it])
                else:
                    mine = kids.get(it, [])[:3]
                    if g.min_words[it] == 0:
                        mine = [*mine, self.sampler.shortest(it)]
                    if not mine:
                        break
                    options.append(mine)
            else:
                combos = 1
                for o in options:
                    combos *= len(o)
                if combos > 16:
                    options = [o[:1] for o in options]
                out.extend((q, tuple(combo)) for combo in itertools.product(*options))
        return out

    def _viable(self, s: int, kids: dict[int, list[Any]], sub: Any) -> Sequence[int]:
        """The alternatives of ``s`` a replacement of ``sub`` can take, in the grammar's
        order: all of them for a symbol of few; for one of many (a vocabulary of 100,000
        words made shrinking scan every alternative for every subtree: a run took minutes),
        only those whose symbols that must derive words are among ``sub``'s children and
        whose rarest word is one of ``sub``'s (a replacement never brings in new words:
        ``_rarest_words``)."""
        g = self.oracle.g
        every = g.alternatives[s]
        if len(every) <= MANY_ALTERNATIVES or len(kids) > 6:
            return every
        index = self._index.get(s)
        if index is None:
            index = self._index[s] = {}
            rarest = _rarest_words([g.productions[q][1] for q in every])
            for q, word in zip(every, rarest, strict=True):
                items = g.productions[q][1]
                need = frozenset(
                    it for it in items if not isinstance(it, str) and g.min_words[it] > 0
                )
                index.setdefault((need, word), []).append(q)
        words: set[str | None] = {None, *_split_words(sub)}
        found: list[int] = []
        have = sorted(kids)
        for k in range(len(have) + 1):
            for some in itertools.combinations(have, k):
                key = frozenset(some)
                for w in words:
                    found.extend(index.get((key, w), ()))
        return sorted(found)

    def candidates(self, case: Case) -> list[Case]:
        """The smaller variants of a case, smallest first (made afresh: a case is shrunk
        once, so remembering them saved nothing and kept thousands of trees alive)."""
        return self._candidates(case)

    def _options(
        self,
        sub: Any,
        below: list[Any],
        known: dict[int, tuple[int, int, int]] | None = None,
        words: list[str] | None = None,
    ) -> list[tuple[int, int, Any, list[str]]]:
        """The smaller replacements of subtree ``sub`` (``below``: its descendants in
        preorder) that keep a subsequence of its words: (words fewer, nodes fewer, the
        replacement, its words).  They depend on the subtree alone: remembered by value
        (edited trees share their untouched subtrees, and cases share equal ones).
        ``known``: the span in ``words`` of each subtree of the case being shrunk (by
        identity; its words listed once per case, not once per subtree)."""
        got = self._opts.get(sub)
        if got is not None:
            return got
        memo = _SIZES
        sub_size = measure(sub, memo)
        span = None if known is None else known.get(id(sub))
        sub_words = _split_words(sub) if span is None or words is None else words[span[0] : span[1]]
        out: list[tuple[int, int, Any, list[str]]] = []
        for new in self._replacements(sub, below, sub_size):
            new_size = measure(new, memo)
            if new_size >= sub_size:
                continue
            span = None if known is None else known.get(id(new))
            new_words = (
                _split_words(new) if span is None or words is None else words[span[0] : span[1]]
            )
            if not _subsequence(new_words, sub_words):
                continue  # shrinking removes words; it never brings in new ones
            out.append((sub_size[0] - new_size[0], sub_size[1] - new_size[1], new, new_words))
        if len(self._opts) >= 8192:
            self._opts.clear()
        self._opts[sub] = out
        return out

    def _candidates(self, case: Case) -> list[Case]:
        if len(_SIZES) >= 8192:
            _SIZES.clear()
        words, count = measure(case.tree, _SIZES)
        # every node in preorder (as ``nodes``): its path, subtree, word span and where its
        # subtree ends, words counted as ``measure`` counts them (a terminal of several
        # words gives several)
        listing: list[Node] = []
        all_words: list[str] = []
        _list_nodes(case.tree, (), listing, all_words)
        focus = case.focus
        # an expectation's phrase may shrink too, as long as it still derives its symbol by
        # an alternative the test names (``Oracle.refocus``): "%expect s -> pos" is about
        # the whole sentence, which was never shrunk
        marks: list[bool] = getattr(self.oracle, "alone", None) or []
        alone = bool(marks) and case.relation >= 0 and marks[case.relation]
        subs = [x[1] for x in listing]
        # each subtree's word span and place, by identity (a subtree the tree holds twice
        # has the same words and productions at either place)
        known = {id(x[1]): (x[2], x[3], i) for i, x in enumerate(listing)}
        # (words, nodes, node index, option index) of every smaller variant; the text of
        # each is joined only for the sizes that can make the cut
        sized: list[tuple[int, int, int, int]] = []
        node_options: dict[int, list[tuple[int, int, Any, list[str]]]] = {}
        for i, (path, sub, _s0, _s1, end) in enumerate(listing):
            if focus is not None and not alone and path[: len(focus)] == focus:
                continue  # the node the relation is about stays as it is
            if focus is not None and focus[: len(path)] == path and path != focus:
                continue  # so do the nodes above it
            opts = self._opts.get(sub)
            if opts is not None:
                options = opts
            else:
                options = self._options(sub, subs[i + 1 : end], known, all_words)
            node_options[i] = options
            for o, (dw, dn, _new, _w) in enumerate(options):
                sized.append((words - dw, count - dn, i, o))
        sized.sort()
        ordered: list[Case] = []
        prods: list[int] | None = None  # the case's productions in preorder (when needed)
        vocab = self.vocab
        at = 0
        while at < len(sized) and len(ordered) < self.max_candidates:
            # the variants of one size, by text; the first of each text
            end = at
            while end < len(sized) and sized[end][:2] == sized[at][:2]:
                end += 1
            group: dict[str, tuple[int, Any]] = {}
            for _sw, _sn, i, o in sized[at:end]:
                _path, _sub, s0, s1, _e = listing[i]
                _dw, _dn, new, new_words = node_options[i][o]
                key = " ".join(all_words[:s0] + new_words + all_words[s1:])
                if key not in group:
                    group[key] = (i, new)
            for key in sorted(group):
                i, new = group[key]
                tree = replace_at(case.tree, listing[i][0], new)
                draft = None
                if self._plain:
                    # the words joined are the tree's text, and its productions the case's
                    # with the node's range replaced: the candidate's draft (``flat.Draft``)
                    if prods is None:
                        prods = [x[1][0] for x in listing]
                    sub_end = listing[i][4]
                    place = known.get(id(new))
                    if place is not None:  # a subtree of the case (hoisted): a range of its
                        new_prods = prods[place[2] : listing[place[2]][4]]
                    else:
                        new_prods = tree_productions(new)
                    words_new = tuple(key.split())
                    draft = Draft(
                        prods[:i] + new_prods + prods[sub_end:],
                        words_new,
                        None if vocab is None else vocab.of(words_new),
                    )
                cand = self.oracle.refocus(case, tree, draft)
                if cand is None:
                    continue
                if self._plain:  # the words joined are the tree's text: no need to join again
                    remember_joined(tree, " ".join(key.split()) if "  " in key else key.strip())
                ordered.append(cand)
                if len(ordered) >= self.max_candidates:
                    break
            at = end
        return ordered

    def shrink(
        self,
        cases: list[Case],
        evaluate: Callable[[list[Case]], list[str | None] | None],
        signatures: list[str],
    ) -> tuple[list[Case], bool]:
        """Minimal forms of ``cases`` (all failing, with ``signatures``).  ``evaluate`` gives
        each candidate's failure signature (None when it passes), or None when the budget is
        spent (then shrinking stops where it is; the second value is False).  A candidate
        counts only when it fails the same way (same signature: the same labels).

        Each round asks the next ``chunk`` candidates (smallest first) of every case still
        shrinking, in one batch; a case moves to its smallest failing candidate and starts
        over from there, and is minimal when all its candidates pass.  Asking a few at a time
        spends fewer queries than asking them all.
        """
        current = list(cases)
        pending: dict[int, list[Case]] = {i: self.candidates(c) for i, c in enumerate(cases)}
        complete = True
        for _ in range(self.max_rounds):
            pending = {i: c for i, c in pending.items() if c}
            if not pending:
                break
            batch: list[Case] = []
            owners: list[int] = []
            for i, cands in pending.items():
                take = cands[: self.chunk]
                del cands[: self.chunk]
                batch.extend(take)
                owners.extend([i] * len(take))
            verdict = evaluate(batch)
            if verdict is None:
                complete = False
                break
            moved: set[int] = set()
            for cand, owner, sig in zip(batch, owners, verdict, strict=True):
                if (
                    sig is not None and sig == signatures[owner] and owner not in moved
                ):  # candidates are sorted smallest first
                    current[owner] = cand
                    moved.add(owner)
            for i in moved:
                pending[i] = self.candidates(current[i])
        else:
            complete = not any(pending.values())
        return current, complete


def _once(same: dict[tuple[int, int], tuple[int, int]], words: int) -> tuple[int, int]:
    """The size ``(words, 1)``, one tuple for every production of that many words."""
    size = (words, 1)
    return same.setdefault(size, size)
