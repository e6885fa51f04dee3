"""Ideas for the forest's exact bounds, measured on its undecided boxes (prints; not a test).

After ``--cpu`` seconds of CPU of the compiled refinement (the deadline on the process's CPU
clock) on one Adult ensemble of ``fairness_exact_cpu.py`` and one binary attribute, on the
boxes it left undecided:

1. *decomposition* ``margin(x, s) = A(x) + B_s(x)``: the trees that never test the attribute
   (they add the same ``A`` to both variants), and per box the trees whose two variants can
   differ inside it and the trees that straddle it (reach leaves of different values);
2. *bounds over several trees at once*: the margin's range over a box from the sum of per-tree
   ranges (the refinement's), of pairs of trees (the joint leaves of two trees that meet
   inside the box), of groups of four (pairs of pairs that meet), and the range sampled
   inside the box (inside the true one: what a perfect bound could do at most); the share of
   boxes each decides;
3. *a joint test over both variants*: per direction (class 0 with one value, 1 with the
   other) no input of the box changes class that way when for some ``lam`` in (0, 1) the sum
   over trees of ``max (lam * v1 - (1 - lam) * v0)`` over the leaf pairs an input reaches
   with each value is below zero; the share of boxes with one direction, and both, ruled out;
4. *counting by the joint cells of the trees* (``exact_overlay.count``): on ``--walk-boxes``
   boxes drawn uniformly, the share of their mass it settles exactly and the undecided mass
   settled per CPU second, against the refinement's own rate between ``--cpu`` and
   ``1.5 * --cpu`` seconds (measured here, from scratch); by the number of straddling trees;
   and its exact share of some boxes against a uniform sample of them.

    PYTHONPATH=src:bench python bench/fairness_exact_ideas.py --model forest --attr sex --cpu 10
"""

from __future__ import annotations

import argparse
import time
import types

import numpy as np

from assay.fairness.estimate import wilson_interval
from assay.fairness.exact import ensemble
from assay.fairness.exact.ensemble import Flat, _KernelArrays, refine
from exact_overlay import count, workspace
from fairness_exact_cpu import MODELS, _flat

_EPS = 1e-9


class _Boxes:
    """Leaf boxes of the flattened ensemble, and helpers over one query box."""

    def __init__(self, flat: Flat) -> None:
        self.flat = flat
        self.a = flat.attribute
        self.free = np.array([f for f in range(flat.n_features) if f != self.a])
        self.n_trees = len(flat.roots)
        self.w = flat.width
        self.ll, self.lh, self.v = flat.leaf_lo, flat.leaf_hi, flat.leaf_value
        self.real = flat.leaf_node < flat.n_nodes - 1  # padding slots point at the last node

    def reach(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        f = self.free
        inside = (self.ll[f] < hi[f, None]) & (self.lh[f] > lo[f, None])
        out: np.ndarray = inside.all(0) & self.real
        return out

    def tree(self, t: int) -> slice:
        return slice(t * self.w, (t + 1) * self.w)

    def clipped(self, leaves: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
        f = self.free
        return (
            np.clip(self.ll[:, leaves].T, lo, hi)[:, f],
            np.clip(self.lh[:, leaves].T, lo, hi)[:, f],
        )

    def pairs(
        self, p: np.ndarray, q: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs of leaves ``p`` x ``q`` meeting inside the box: indices and their boxes."""
        plo, phi = self.clipped(p, lo, hi)
        qlo, qhi = self.clipped(q, lo, hi)
        low = np.maximum(plo[:, None], qlo[None])
        high = np.minimum(phi[:, None], qhi[None])
        ok = (low < high).all(-1)
        i, j = np.nonzero(ok)
        return np.stack([i, j]), low[i, j], high[i, j]


def _sample(
    flat: Flat, lo: np.ndarray, hi: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    x = np.zeros((n, flat.n_features), dtype=np.int64)
    for f in range(flat.n_features):
        if f != flat.attribute:
            c = flat.cumweight[f]
            u = rng.uniform(c[lo[f]], c[hi[f]], n)
            x[:, f] = np.clip(np.searchsorted(c, u, side="right") - 1, lo[f], hi[f] - 1)
    return x


def _margins(flat: Flat, x: np.ndarray, alpha: int) -> np.ndarray:
    col, cut, low, high, value = flat.go
    x = x.copy()
    x[:, flat.attribute] = alpha
    node = np.broadcast_to(flat.roots, (len(x), len(flat.roots))).copy()
    for _ in range(flat.depth):
        v = np.take_along_axis(x, col[node], axis=1)
        node = np.where(v < cut[node], low[node], high[node])
    out: np.ndarray = flat.base + value[node].sum(1)
    return out


def _decides(lows: list[float], highs: list[float]) -> bool:
    s1 = [x > _EPS for x in lows]
    s0 = [x < -_EPS for x in highs]
    return all(s1) or all(s0) or (any(s1) and any(s0))


def _bounds_row(b: _Boxes, lo: np.ndarray, hi: np.ndarray, x: np.ndarray) -> list[float]:
    """Per bound (per tree, pairs, fours, sampled): decided (0/1), then their widths (alpha 0)."""
    flat = b.flat
    reach = b.reach(lo, hi)
    lows: dict[str, list[float]] = {k: [] for k in ("tree", "pair", "four", "sampled")}
    highs: dict[str, list[float]] = {k: [] for k in lows}
    for alpha in range(2):
        r = reach & flat.allow[alpha]
        per = [np.flatnonzero(r[b.tree(t)]) + t * b.w for t in range(b.n_trees)]
        lows["tree"].append(flat.base + sum(b.v[p].min() for p in per))
        highs["tree"].append(flat.base + sum(b.v[p].max() for p in per))
        merged = []
        for k in range(0, b.n_trees - 1, 2):
            ij, low, high = b.pairs(per[k], per[k + 1], lo, hi)
            merged.append((low, high, b.v[per[k]][ij[0]] + b.v[per[k + 1]][ij[1]]))
        if b.n_trees % 2:
            p = per[-1]
            plo, phi = b.clipped(p, lo, hi)
            merged.append((plo, phi, b.v[p]))
        lows["pair"].append(flat.base + sum(m[2].min() for m in merged))
        highs["pair"].append(flat.base + sum(m[2].max() for m in merged))
        four_lo = four_hi = flat.base
        for k in range(0, len(merged), 2):
            if k + 1 == len(merged):
                four_lo += merged[k][2].min()
                four_hi += merged[k][2].max()
                continue
            (l1, h1, s1), (l2, h2, s2) = merged[k], merged[k + 1]
            ok = (np.maximum(l1[:, None], l2[None]) < np.minimum(h1[:, None], h2[None])).all(-1)
            s = (s1[:, None] + s2[None])[ok]
            four_lo += s.min()
            four_hi += s.max()
        lows["four"].append(four_lo)
        highs["four"].append(four_hi)
        m = _margins(flat, x, alpha)
        lows["sampled"].append(float(m.min()))
        highs["sampled"].append(float(m.max()))
    decided = [float(_decides(lows[k], highs[k])) for k in lows]
    widths = [highs[k][0] - lows[k][0] for k in lows]
    return decided + widths


def _joint_row(b: _Boxes, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float, int, int]:
    """The joint test: (one direction ruled out, both ruled out), the trees whose variants
    can differ in the box, the trees straddling it."""
    flat = b.flat
    lams = np.linspace(0.02, 0.98, 49)[:, None]
    reach = b.reach(lo, hi)
    g01 = np.zeros(len(lams))
    g10 = np.zeros(len(lams))
    differ = straddle = 0
    for t in range(b.n_trees):
        s = b.tree(t)
        p = np.flatnonzero(reach[s] & flat.allow[0][s]) + t * b.w
        q = np.flatnonzero(reach[s] & flat.allow[1][s]) + t * b.w
        ij, _, _ = b.pairs(p, q, lo, hi)
        v0, v1 = b.v[p][ij[0]][None], b.v[q][ij[1]][None]
        differ += bool(np.any(v0 != v1))
        straddle += bool(np.ptp(v0) > 0 or np.ptp(v1) > 0)
        g01 += (lams * v1 - (1 - lams) * v0).max(1)
        g10 += (lams * v0 - (1 - lams) * v1).max(1)
    c01 = bool((flat.base * (2 * lams[:, 0] - 1) + g01 < -_EPS).any())
    c10 = bool((flat.base * (2 * lams[:, 0] - 1) + g10 < -_EPS).any())
    return float(c01 or c10), float(c01 and c10), differ, straddle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--cpu", type=float, default=10.0)
    parser.add_argument("--boxes", type=int, default=60, help="boxes drawn by mass (1-3)")
    parser.add_argument("--inputs", type=int, default=2000, help="uniform inputs per box drawn")
    parser.add_argument("--walk-boxes", type=int, default=20000, help="boxes for the walk (4)")
    parser.add_argument("--walk-work", type=int, nargs="+", default=[5000, 20000])
    args = parser.parse_args()
    ensemble.time = types.SimpleNamespace(monotonic=time.process_time)  # type: ignore[attr-defined]
    flat = _flat(MODELS[args.model](), args.attr)
    assert len(flat.allow) == 2, "a binary attribute"
    refine(flat, deadline=time.process_time() + 0.5, compiled=True)  # load the kernel
    widths = []
    for cpu in (args.cpu, 1.5 * args.cpu):
        c0 = time.process_time()
        got = refine(flat, deadline=c0 + cpu, compiled=True, max_pool=10**7, threads=1)
        widths.append((time.process_time() - c0, float(got.pend_mass.sum())))
        if cpu == args.cpu:
            kept = got
    (t1, w1), (t2, w2) = widths
    rate = (w1 - w2) / (t2 - t1)
    lo_all, hi_all, m_all = kept.pend_lo, kept.pend_hi, kept.pend_mass
    print(
        f"{args.model} {args.attr}: after {t1:.1f} s CPU width {100 * w1:.4f} pt over "
        f"{len(m_all):,} boxes; after {t2:.1f} s {100 * w2:.4f} pt: the refinement settles "
        f"{1e3 * rate:.3f} thousandths of the domain per CPU second between them"
    )
    b = _Boxes(flat)
    never = sum(not bool(flat.restricts[b.tree(t)].any()) for t in range(b.n_trees))
    print(f"1. trees that never test {args.attr}: {never} of {b.n_trees}")
    rng = np.random.default_rng(0)
    pick = rng.choice(len(m_all), size=min(args.boxes, len(m_all)), p=m_all / m_all.sum())
    rows, joint = [], []
    c0 = time.process_time()
    for i in pick:
        x = _sample(flat, lo_all[i], hi_all[i], args.inputs, rng)
        rows.append(_bounds_row(b, lo_all[i], hi_all[i], x))
        joint.append(_joint_row(b, lo_all[i], hi_all[i]))
    r, j = np.array(rows), np.array(joint)
    print(
        f"   per box ({len(pick)} drawn by mass): trees whose variants can differ: median "
        f"{np.median(j[:, 2]):.0f} (10-90 %: {np.percentile(j[:, 2], 10):.0f}-"
        f"{np.percentile(j[:, 2], 90):.0f}); trees straddling: median {np.median(j[:, 3]):.0f} "
        f"({np.percentile(j[:, 3], 10):.0f}-{np.percentile(j[:, 3], 90):.0f})"
    )
    print("2. share of these undecided boxes decided, and median margin width (alpha 0), by:")
    for k, name in enumerate(("per-tree ranges", "pairs of trees", "fours of trees", "sampled")):
        print(f"   {name:<16} {100 * r[:, k].mean():5.1f} %   width {np.median(r[:, 4 + k]):.3f}")
    print(
        f"3. joint test over both variants: one direction ruled out in {100 * j[:, 0].mean():.0f} "
        f"% of the boxes, both in {100 * j[:, 1].mean():.0f} % ({time.process_time() - c0:.1f} s "
        f"CPU for 1-3)"
    )
    k = _KernelArrays.of(flat)
    work = workspace(flat.n_features, len(flat.roots), 2, 1 << 14)
    idx = np.random.default_rng(1).choice(len(m_all), min(args.walk_boxes, len(m_all)), False)
    call = (flat.attribute, 2, flat.base, _EPS, k.model, k.cw, work)
    count(lo_all[0], hi_all[0], *call, 10, 4)  # compile
    print(
        f"4. counting by joint cells, {len(idx):,} boxes drawn uniformly "
        f"(mass {m_all[idx].sum():.2e}):"
    )
    for cap in args.walk_work:
        out = []
        for i in idx:
            c = time.process_time()
            work[13][4] = -1
            ok, d, _ = count(lo_all[i], hi_all[i], *call, cap, 4)
            out.append((ok, d, m_all[i], work[13][4], time.process_time() - c))
        o = np.array(out, dtype=float)
        done = o[:, 0] > 0
        cpu = o[:, 4].sum()
        print(
            f"   work <= {cap:>7,}: {cpu:6.1f} s CPU, "
            f"{100 * o[done, 2].sum() / o[:, 2].sum():4.1f} % of "
            f"the mass settled ({int(done.sum()):,} boxes): {1e3 * o[done, 2].sum() / cpu:.3f} "
            f"thousandths per CPU second ({o[done, 2].sum() / cpu / rate:.2f}x the refinement's)"
        )
        for kk in (10, 15, 20, 25):
            sel = (o[:, 3] <= kk) & (o[:, 3] >= 0)
            if sel.any():
                got_m = o[sel & done, 2].sum()
                print(
                    f"      boxes with <= {kk} straddling trees: {100 * sel.mean():4.1f} % of the "
                    f"boxes, {100 * got_m / o[sel, 2].sum():4.1f} % of their mass settled, "
                    f"{got_m / o[sel, 4].sum() / rate:.2f}x the refinement's rate"
                )
    # check: the walk's exact share of settled boxes against uniform samples of them
    settled = [i for i, row in zip(idx, out, strict=True) if row[0] and row[1] > 0][:20]
    inside = 0
    for i in settled:
        x = _sample(flat, lo_all[i], hi_all[i], args.inputs, rng)
        n_disc = int(((_margins(flat, x, 0) > 0) != (_margins(flat, x, 1) > 0)).sum())
        lo_w, hi_w = wilson_interval(n_disc, len(x), 0.999)
        ok, d, _ = count(lo_all[i], hi_all[i], *call, args.walk_work[-1], 4)
        inside += lo_w <= d / m_all[i] <= hi_w
    print(
        f"   check: exact share inside the sample's 99.9 % interval for {inside} of "
        f"{len(settled)} boxes"
    )


if __name__ == "__main__":
    main()
