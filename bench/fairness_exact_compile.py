"""Memoised compilation of a tree ensemble over its features, level by level (prints; not a test).

The attack measured here (issue 11, the forest target): fix the features one at a time in an
order; after a prefix of features is fixed, what is left of each tree is a *residual* tree (the
splits on the fixed features resolved), canonicalised to an id by hash-consing (equal sub-trees
get one id, a test whose two sides are equal is dropped).  The *state* of a prefix cell is the
vector of residual ids of every tree, one vector per atom of the protected attribute (fixed
first).  How many inputs below a state are discriminatory does not depend on how the state was
reached, so the cells of a level are merged by state (their masses added): a forward dynamic
programme over distinct states.  A state is settled as soon as

- its vectors are equal for every value of the attribute (clean), or
- the bounds of its residual trees decide every value's class (clean if all equal,
  discriminatory if two differ).

For a state, the next feature's atoms are grouped by the cuts its residual trees still make on
that feature, so a state has as many children as its own trees have intervals there.  The
settled mass gives certain lower and upper bounds after every level; when every feature is fixed
every state is settled (all trees are leaves): the exact share.

    PYTHONPATH=src python bench/fairness_exact_compile.py --model forest --attr sex \
        --order fewest --max-states 2000000 --cpu 120
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from assay.datasets import load_dataset
from assay.fairness.exact import compose_read
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import Flat, flatten

MODELS: dict[str, Any] = {
    "boosting": lambda: GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
    "forest": lambda: RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0),
    "forest10": lambda: RandomForestClassifier(n_estimators=10, max_depth=8, random_state=0),
    "forest20": lambda: RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0),
    "forest50x6": lambda: RandomForestClassifier(n_estimators=50, max_depth=6, random_state=0),
    "tree": lambda: DecisionTreeClassifier(random_state=0),
}
EPS = 1e-9


def flat_of(estimator: Any, attribute: str) -> Flat:
    from assay.models import load_model
    from assay.models.trees import read_trees

    ds = load_dataset("adult")
    x, y = ds.X, np.asarray(ds.target).astype(int)
    arrays = read_trees(load_model(estimator.fit(x, y)))
    assert not isinstance(arrays, str), arrays
    schema = ds.schema.with_protected([attribute])
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str), trees
    flat = flatten(build_domain(schema, trees), trees, schema.index(attribute))
    assert not isinstance(flat, str), flat
    return flat


class Residuals:
    """Hash-consed residual trees: id -> (feature, cut, low id, high id, min, max, value)."""

    def __init__(self, flat: Flat) -> None:
        self.flat = flat
        col, cut, low, high, value = flat.go
        self.col: list[int] = []
        self.cut: list[int] = []
        self.low: list[int] = []
        self.high: list[int] = []
        self.vmin: list[float] = []
        self.vmax: list[float] = []
        self.table: dict[tuple[Any, ...], int] = {}
        self.g_col, self.g_cut, self.g_low, self.g_high = (
            col.tolist(),
            cut.tolist(),
            low.tolist(),
            high.tolist(),
        )
        self.g_value = value.tolist()
        self.of_node: dict[int, int] = {}
        self.roots = [self.build(int(r)) for r in flat.roots]
        self.memo: dict[tuple[int, int], int] = {}  # (id, atom) -> id, the current feature
        self.cuts_memo: dict[int, tuple[int, ...]] = {}
        self.feature = -1

    def leaf(self, v: float) -> int:
        key = ("leaf", v)
        got = self.table.get(key)
        if got is None:
            got = len(self.col)
            self.table[key] = got
            self.col.append(-1)
            self.cut.append(0)
            self.low.append(got)
            self.high.append(got)
            self.vmin.append(v)
            self.vmax.append(v)
        return got

    def node(self, f: int, c: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (f, c, lo, hi)
        got = self.table.get(key)
        if got is None:
            got = len(self.col)
            self.table[key] = got
            self.col.append(f)
            self.cut.append(c)
            self.low.append(lo)
            self.high.append(hi)
            self.vmin.append(min(self.vmin[lo], self.vmin[hi]))
            self.vmax.append(max(self.vmax[lo], self.vmax[hi]))
        return got

    def build(self, n: int) -> int:
        got = self.of_node.get(n)
        if got is not None:
            return got
        if self.g_low[n] == n:
            out = self.leaf(self.g_value[n])
        else:
            out = self.node(
                self.g_col[n], self.g_cut[n], self.build(self.g_low[n]), self.build(self.g_high[n])
            )
        self.of_node[n] = out
        return out

    def start(self, f: int) -> None:
        self.feature = f
        self.memo = {}
        self.cuts_memo = {}

    def fix(self, r: int, atom: int) -> int:
        """The residual of ``r`` with the current feature fixed to ``atom``."""
        key = (r, atom)
        got = self.memo.get(key)
        if got is not None:
            return got
        f = self.col[r]
        if f < 0:
            out = r
        elif f == self.feature:
            out = self.fix(self.low[r] if atom < self.cut[r] else self.high[r], atom)
        else:
            out = self.node(
                f, self.cut[r], self.fix(self.low[r], atom), self.fix(self.high[r], atom)
            )
        self.memo[key] = out
        return out

    def cuts(self, r: int) -> tuple[int, ...]:
        """The current feature's cuts inside ``r``, sorted."""
        got = self.cuts_memo.get(r)
        if got is not None:
            return got
        f = self.col[r]
        if f < 0:
            out: tuple[int, ...] = ()
        else:
            s = set(self.cuts(self.low[r])) | set(self.cuts(self.high[r]))
            if f == self.feature:
                s.add(self.cut[r])
            out = tuple(sorted(s))
        self.cuts_memo[r] = out
        return out


def uses(res: Residuals, r: int, f: int, memo: dict[int, bool]) -> bool:
    got = memo.get(r)
    if got is None:
        c = res.col[r]
        got = c == f or (
            c >= 0 and (uses(res, res.low[r], f, memo) or uses(res, res.high[r], f, memo))
        )
        memo[r] = got
    return got


def verdict(res: Residuals, state: tuple[int, ...], n_alpha: int, n_trees: int, base: float) -> int:
    """1 discriminatory, 0 clean, -1 undecided."""
    parts = [state[a * n_trees : (a + 1) * n_trees] for a in range(n_alpha)]
    if all(p == parts[0] for p in parts[1:]):
        return 0
    sure1 = sure0 = False
    unsure = False
    vmin, vmax = res.vmin, res.vmax
    for p in parts:
        lo = base + sum(vmin[r] for r in p)
        hi = base + sum(vmax[r] for r in p)
        if lo > EPS:
            sure1 = True
        elif hi < -EPS:
            sure0 = True
        elif lo == hi:  # all leaves, margin within EPS of zero: the sum's sign (a tie rule)
            if lo > 0:
                sure1 = True
            else:
                sure0 = True
        else:
            unsure = True
        if sure1 and sure0:
            return 1
    return -1 if unsure else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--order", default="fewest", help="fewest | most | atoms | greedy | i,j,k")
    parser.add_argument("--max-states", type=int, default=2_000_000)
    parser.add_argument("--cpu", type=float, default=120.0)
    args = parser.parse_args()
    flat = flat_of(MODELS[args.model](), args.attr)
    c0 = time.process_time()
    res = Residuals(flat)
    a = flat.attribute
    n_trees = len(flat.roots)
    n_alpha = int(flat.n_atoms[a])
    base = float(flat.base)
    feats = [f for f in range(flat.n_features) if f != a]
    # features per tree
    users = {f: sum(uses(res, r, f, {}) for r in res.roots) for f in feats}
    col = np.asarray(res.col)
    n_nodes = {f: int((col == f).sum()) for f in feats}
    print(
        f"{args.model} {args.attr}: {n_trees} trees, {len(res.col):,} residual nodes at the start,"
        f" atoms {dict((f, int(flat.n_atoms[f])) for f in feats)}"
    )
    print(f"  trees using each feature {users}; split nodes {n_nodes}")
    if args.order == "fewest":
        order = sorted(feats, key=lambda f: (-users[f], -n_nodes[f]))  # widely used first
    elif args.order == "most":
        order = sorted(feats, key=lambda f: (users[f], n_nodes[f]))
    elif args.order == "atoms":
        order = sorted(feats, key=lambda f: int(flat.n_atoms[f]))
    elif args.order == "greedy":
        order = []
    else:
        order = [int(x) for x in args.order.split(",")]
    # level 0: the attribute
    res.start(a)
    states: dict[tuple[int, ...], float] = {}
    start = tuple(res.fix(r, alpha) for alpha in range(n_alpha) for r in res.roots)
    disc = 0.0
    v = verdict(res, start, n_alpha, n_trees, base)
    if v == -1:
        states[start] = 1.0
    elif v == 1:
        disc = 1.0
    left = list(feats)
    level = 0
    print(
        f"{'level':>5} {'feature':>8} {'atoms':>6} {'states in':>10} {'children':>11} "
        f"{'distinct':>10} {'undecided':>10} {'settled disc':>13} {'lower %':>9} {'upper %':>9}"
        f" {'width pt':>9} {'cpu s':>7} {'res nodes':>10}"
    )
    while states and left:
        f = _greedy(res, states, left, flat) if args.order == "greedy" else order[level]
        left.remove(f)
        level += 1
        res.start(f)
        cw = flat.cumweight[f].tolist()
        n_f = int(flat.n_atoms[f])
        nxt: dict[tuple[int, ...], float] = {}
        children = 0
        stopped = False
        for state, w in states.items():
            cuts: set[int] = set()
            idx = []
            for i, r in enumerate(state):
                c = res.cuts(r)
                if c:
                    cuts.update(c)
                    idx.append(i)
            bounds = [0, *sorted(cuts), n_f]
            base_state = list(state)
            for lo_b, hi_b in itertools.pairwise(bounds):
                child = list(base_state)
                for i in idx:
                    child[i] = res.fix(state[i], lo_b)
                key = tuple(child)
                m = w * (cw[hi_b] - cw[lo_b])
                children += 1
                got = nxt.get(key)
                if got is None:
                    vv = verdict(res, key, n_alpha, n_trees, base)
                    if vv == 1:
                        disc += m
                        continue
                    if vv == 0:
                        continue
                    nxt[key] = m
                else:
                    nxt[key] = got + m
            if len(nxt) > args.max_states or time.process_time() - c0 > args.cpu:
                stopped = True
                break
        cpu = time.process_time() - c0
        if stopped:
            undecided_in = sum(states.values())
            print(
                f"{level:>5} {f:>8} {n_f:>6} {len(states):>10,} {children:>11,} "
                f"{len(nxt):>10,}+ (stopped: cap or cpu)  cpu {cpu:.1f} s; width stays "
                f"{100 * undecided_in:.4f} pt"
            )
            return
        states = nxt
        undecided = sum(states.values())
        print(
            f"{level:>5} {f:>8} {n_f:>6} {'':>10} {children:>11,} {len(states):>10,} "
            f"{len(states):>10,} {'':>13} {100 * disc:>9.4f} {100 * (disc + undecided):>9.4f}"
            f" {100 * undecided:>9.4f} {cpu:>7.1f} {len(res.col):>10,}",
            flush=True,
        )
    print(f"exact share {100 * disc:.6f} % in {time.process_time() - c0:.1f} s CPU")


def _greedy(
    res: Residuals, states: dict[tuple[int, ...], float], left: list[int], flat: Flat
) -> int:
    """The feature whose fixing gives the fewest distinct children on a sample of states."""
    sample = list(states)[:200]
    best, best_n = left[0], None
    for f in left:
        res.start(f)
        seen = set()
        for state in sample:
            cuts: set[int] = set()
            for r in state:
                cuts.update(res.cuts(r))
            bounds = [0, *sorted(cuts)]
            for b in bounds:
                seen.add(tuple(res.fix(r, b) for r in state))
        n = len(seen)
        if best_n is None or n < best_n:
            best, best_n = f, n
    return best


if __name__ == "__main__":
    main()
