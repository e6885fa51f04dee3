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

from assay.text.generate import Sampler, nodes, replace_at, subtree_at, tree_size, tree_words
from assay.text.oracle import Case, Oracle

__all__ = ["Shrinker", "case_size"]


def case_size(case: Case) -> tuple[int, int]:
    return (len(tree_words(case.tree)), tree_size(case.tree))


class Shrinker:
    def __init__(self, oracle: Oracle, sampler: Sampler, *, max_rounds: int = 25,
                 max_candidates: int = 48) -> None:
        self.oracle = oracle
        self.sampler = sampler
        self.max_rounds = max_rounds
        self.max_candidates = max_candidates

    def _replacements(self, sub: Any) -> list[Any]:
        """Smaller derivations of the same symbol as ``sub``: a descendant of the same symbol
        (hoisting), or another alternative that keeps children of the same symbols (the
        others take their shortest derivation)."""
        g = self.oracle.g
        s = g.productions[sub[0]][0]
        out: list[Any] = []
        for path, p, _ in nodes(sub):
            if path and g.productions[p][0] == s:
                out.append(subtree_at(sub, path))
        kids: dict[int, list[Any]] = {}
        for c in sub[1]:
            if not isinstance(c, str):
                kids.setdefault(g.productions[c[0]][0], []).append(c)
        for q in g.alternatives[s]:
            items = g.productions[q][1]
            options: list[list[Any]] = []
            for it in items:
                if isinstance(it, str):
                    options.append([it])
                else:
                    mine = kids.get(it, [])
                    options.append([*mine[:3], self.sampler.shortest(it)])
            combos = 1
            for o in options:
                combos *= len(o)
            if combos > 16:
                options = [o[:1] if len(o) > 1 else o for o in options]
            for combo in itertools.product(*options):
                out.append((q, tuple(combo)))
        return out

    def candidates(self, case: Case) -> list[Case]:
        size = case_size(case)
        out: dict[tuple[int, int, str], Case] = {}
        focus = case.focus
        for path, _p, _ in nodes(case.tree):
            if focus is not None and path[: len(focus)] == focus:
                continue  # the node the relation is about stays as it is
            if focus is not None and focus[: len(path)] == path:
                continue  # so do the nodes above it
            sub = subtree_at(case.tree, path)
            sub_size = (len(tree_words(sub)), tree_size(sub))
            for new in self._replacements(sub):
                if (len(tree_words(new)), tree_size(new)) >= sub_size:
                    continue
                tree = replace_at(case.tree, path, new)
                cand = self.oracle.refocus(case, tree)
                if cand is None:
                    continue
                csize = case_size(cand)
                if csize < size:
                    out.setdefault((*csize, repr(tree)), cand)
        ordered = [out[k] for k in sorted(out)]
        return ordered[: self.max_candidates]

    def shrink(
        self,
        cases: list[Case],
        evaluate: Callable[[list[Case]], list[bool] | None],
    ) -> tuple[list[Case], bool]:
        """Minimal forms of ``cases`` (all failing).  ``evaluate`` answers whether each
        candidate fails, or None when the budget is spent (then shrinking stops where it is;
        the second value is False)."""
        current = list(cases)
        active = list(range(len(cases)))
        complete = True
        for _ in range(self.max_rounds):
            if not active:
                break
            batch: list[Case] = []
            owners: list[int] = []
            for i in active:
                cands = self.candidates(current[i])
                batch.extend(cands)
                owners.extend([i] * len(cands))
            if not batch:
                break
            verdict = evaluate(batch)
            if verdict is None:
                complete = False
                break
            moved: set[int] = set()
            for cand, owner, fails in zip(batch, owners, verdict, strict=True):
                if fails and owner not in moved:  # candidates are sorted smallest first
                    current[owner] = cand
                    moved.add(owner)
            active = [i for i in active if i in moved]
        return current, complete
