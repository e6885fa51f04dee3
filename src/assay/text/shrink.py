"""Shrinking: reduce a failing case to a minimal one that still fails.

A candidate replaces one subtree by the shortest derivation of one of its symbol's
alternatives; it is kept only when it is smaller: fewer words, then fewer derivation nodes
(a simpler derivation).  Every round asks all candidates of all cases being shrunk in one
batch and moves each case to its smallest failing candidate, until none fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from assay.text.generate import Sampler, nodes, replace_at, subtree_at, tree_words
from assay.text.oracle import Case, Oracle

__all__ = ["Shrinker", "case_size"]


def case_size(case: Case) -> tuple[int, int]:
    return measure(case.tree, {})


def measure(tree: Any, memo: dict[int, tuple[Any, int, int]]) -> tuple[int, int]:
    """(words, nodes) of a derivation; ``memo`` is keyed by object identity and holds the
    object too, so that an identity is never reused by another object while it is there."""
    got = memo.get(id(tree))
    if got is None:
        words, count = 0, 1
        for c in tree[1]:
            if isinstance(c, str):
                words += len(c.split()) if " " in c else 1
            else:
                w, k = measure(c, memo)
                words += w
                count += k
        got = (tree, words, count)
        memo[id(tree)] = got
    return got[1], got[2]


def _subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(w == b for b in it) for w in small)


class Shrinker:
    def __init__(
        self,
        oracle: Oracle,
        sampler: Sampler,
        *,
        max_rounds: int = 40,
        max_candidates: int = 32,
        chunk: int = 32,
    ) -> None:
        self.chunk = chunk
        self._cache: dict[tuple[str, Any, int], list[Case]] = {}
        self.oracle = oracle
        self.sampler = sampler
        self.max_rounds = max_rounds
        self.max_candidates = max_candidates

    def _replacements(self, sub: Any, below: list[Any]) -> list[Any]:
        """Smaller derivations of the same symbol as ``sub``: a descendant of the same symbol
        (hoisting; ``below`` lists the descendants), or another alternative that keeps
        children of the same symbols (the others must be able to derive nothing)."""
        g = self.oracle.g
        s = g.productions[sub[0]][0]
        out: list[Any] = [d for d in below if g.productions[d[0]][0] == s]
        kids: dict[int, list[Any]] = {}
        for c in sub[1]:
            if not isinstance(c, str):
                kids.setdefault(g.productions[c[0]][0], []).append(c)
        for q in g.alternatives[s]:
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

    def candidates(self, case: Case) -> list[Case]:
        """The smaller variants of a case, smallest first (remembered for recent cases)."""
        key = (repr(case.tree), case.focus, case.relation)
        got = self._cache.get(key)
        if got is None:
            got = self._candidates(case)
            self._cache[key] = got
            if len(self._cache) > 4096:
                del self._cache[next(iter(self._cache))]
        return list(got)

    def _candidates(self, case: Case) -> list[Case]:
        memo: dict[int, tuple[Any, int, int]] = {}
        size = measure(case.tree, memo)
        all_words = tree_words(case.tree)
        # the word span of every node, in the preorder of ``nodes`` (by position, not by
        # object: one subtree object may sit at several places in a tree)
        spans: list[tuple[int, int]] = []

        def span(t: Any, pos: int) -> int:
            at = len(spans)
            spans.append((pos, pos))
            for c in t[1]:
                if isinstance(c, str):
                    pos += len(c.split()) if " " in c else 1
                else:
                    pos = span(c, pos)
            spans[at] = (spans[at][0], pos)
            return pos

        span(case.tree, 0)

        out: dict[tuple[int, int, str], Case] = {}
        focus = case.focus
        listing = nodes(case.tree)
        subs = [subtree_at(case.tree, path) for path, _, _ in listing]
        for i, (path, _p, _) in enumerate(listing):
            if focus is not None and path[: len(focus)] == focus:
                continue  # the node the relation is about stays as it is
            if focus is not None and focus[: len(path)] == path:
                continue  # so do the nodes above it
            sub = subs[i]
            j = i + 1
            while j < len(listing) and listing[j][0][: len(path)] == path:
                j += 1
            sub_size = measure(sub, memo)
            s0, s1 = spans[i]
            sub_words = all_words[s0:s1]
            for new in self._replacements(sub, subs[i + 1 : j]):
                new_size = measure(new, memo)
                if new_size >= sub_size:
                    continue
                new_words = tree_words(new)
                if not _subsequence(new_words, sub_words):
                    continue  # shrinking removes words; it never brings in new ones
                key = " ".join(all_words[:s0] + new_words + all_words[s1:])
                csize = (size[0] - sub_size[0] + new_size[0], size[1] - sub_size[1] + new_size[1])
                if (*csize, key) in out:
                    continue
                cand = self.oracle.refocus(case, replace_at(case.tree, path, new))
                if cand is not None:
                    out[(*csize, key)] = cand
        ordered = [out[k] for k in sorted(out)]
        return ordered[: self.max_candidates]

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
