"""How many decided boxes any box certificate of the share needs (prints; not a test).

A method that bounds the discriminatory share by settling boxes (the refinement, exact counting
inside boxes, any cell enumeration) ends with a set of disjoint boxes over the features other
than the attribute, each wholly discriminatory or wholly clean, covering all of the domain
except the undecided mass (the bound width).  A lower bound on how many boxes that takes:

- for an input ``x``, every box holding ``x`` and lying inside ``x``'s class (discriminatory or
  clean) contains, for each feature ``j``, the segment through ``x`` along ``j`` inside the box;
  that segment lies in the class, so the box's extent along ``j`` is at most the longest run of
  atoms around ``x_j`` of the same class on that line, and its mass at most ``u(x)``, the
  product of those runs' weights;
- ``N`` boxes ``B_i`` covering a set ``S``: ``sum_i 1 = sum_i int_{B_i} 1/mass(B_i) >=
  int_S 1/u(x) dx``; to leave at most ``eps`` undecided, ``S`` must hold all of the domain but
  ``eps``, so ``N >= min over S of int_S 1/u``: drop the ``eps`` of mass where ``1/u`` is largest.

``int 1/u`` is estimated from uniform inputs (a statistical estimate of a certain bound: the
figure printed is the estimate, with a bootstrap 90 % interval), for the discriminatory and the
clean parts separately, and for the width ``eps`` split between them in the cheapest way.

    PYTHONPATH=src python bench/fairness_exact_boxes.py --model forest --attr sex --n 200000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assay.fairness.exact.ensemble import Flat, _cells_disc
from fairness_exact_compile import MODELS, flat_of


def _draw(flat: Flat, rng: np.random.Generator, n: int) -> np.ndarray:
    cells = np.zeros((n, flat.n_features), dtype=np.int64)
    for f in range(flat.n_features):
        if f != flat.attribute:
            c = flat.cumweight[f]
            cells[:, f] = np.clip(
                np.searchsorted(c, rng.random(n) * c[-1], side="right") - 1, 0, len(c) - 2
            )
    return cells


def _disc(flat: Flat, cells: np.ndarray) -> np.ndarray:
    out = np.zeros(len(cells), dtype=bool)
    for s in range(0, len(cells), 4096):
        out[s : s + 4096] = _cells_disc(flat, cells[s : s + 4096])
    return out


def _runs(flat: Flat, cells: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Per input and feature, the weight of the longest run of its class around it on the
    line along that feature (the attribute: 1)."""
    runs = np.ones((len(cells), flat.n_features))
    for f in range(flat.n_features):
        if f == flat.attribute:
            continue
        n_f = int(flat.n_atoms[f])
        line = np.repeat(cells, n_f, axis=0)
        line[:, f] = np.tile(np.arange(n_f), len(cells))
        same = (_disc(flat, line) == np.repeat(label, n_f)).reshape(len(cells), n_f)
        c = flat.cumweight[f]
        for i in range(len(cells)):
            x = int(cells[i, f])
            lo = x
            while lo > 0 and same[i, lo - 1]:
                lo -= 1
            hi = x + 1
            while hi < n_f and same[i, hi]:
                hi += 1
            runs[i, f] = c[hi] - c[lo]
    return runs


def grown_boxes(flat: Flat, cells: np.ndarray) -> tuple[np.ndarray, int]:
    """Per input, the mass of a box the test decides, grown greedily around it."""
    from assay.fairness.exact.ensemble import _KernelArrays

    arrays = _KernelArrays.of(flat)
    _, grow = _segments_factory()  # type: ignore[misc]
    out, tests = grow(
        cells.astype(np.int64),
        flat.n_atoms.astype(np.int64),
        arrays.cw,
        flat.attribute,
        int(flat.n_atoms[flat.attribute]),
        float(flat.base),
        1e-9,
        arrays.model,
        arrays.tree_size,
    )
    return out, int(tests)


def _cheapest(inv_u: np.ndarray, per_sample: float, eps: float) -> float:
    """``min int_S 1/u`` over sets leaving out at most ``eps`` of the mass."""
    drop = int(eps / per_sample)
    kept = np.sort(inv_u)[: max(0, len(inv_u) - drop)]
    return float(kept.sum() * per_sample)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--n", type=int, default=200_000, help="uniform inputs drawn")
    parser.add_argument("--clean", type=int, default=2_000, help="clean inputs looked at")
    parser.add_argument("--width", type=float, nargs="+", default=[0.1, 1.0, 4.0, 10.0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    flat = flat_of(MODELS[args.model](), args.attr)
    rng = np.random.default_rng(args.seed)
    c0 = time.process_time()
    cells = _draw(flat, rng, args.n)
    disc = _disc(flat, cells)
    share = float(disc.mean())
    d_cells = cells[disc]
    c_idx = rng.choice(
        np.flatnonzero(~disc), size=min(args.clean, int((~disc).sum())), replace=False
    )
    c_cells = cells[c_idx]
    inv_d = 1.0 / np.prod(_runs(flat, d_cells, np.ones(len(d_cells), dtype=bool)), axis=1)
    inv_c = 1.0 / np.prod(_runs(flat, c_cells, np.zeros(len(c_cells), dtype=bool)), axis=1)
    cpu = time.process_time() - c0
    c1 = time.process_time()
    seg_d, tests_d = tested_runs(flat, d_cells)
    seg_c, tests_c = tested_runs(flat, c_cells)
    cpu_t = time.process_time() - c1
    inv_td = 1.0 / np.prod(seg_d, axis=1)
    inv_tc = 1.0 / np.prod(seg_c, axis=1)
    print(
        f"{args.model} {args.attr}: {args.n:,} uniform inputs, discriminatory {100 * share:.3f} % "
        f"({len(d_cells):,}); {len(c_cells):,} clean inputs looked at; {cpu:.1f} s CPU"
    )
    print(
        f"  the refinement's test on segments: {tests_d + tests_c:,} boxes tested, "
        f"{cpu_t:.1f} s CPU"
    )
    _report(args, rng, share, "any box certificate (boxes inside one class)", inv_d, inv_c)
    _report(args, rng, share, "boxes the per-tree interval test decides", inv_td, inv_tc)
    c2 = time.process_time()
    g_d, tests_gd = grown_boxes(flat, d_cells)
    g_c, tests_gc = grown_boxes(flat, c_cells)
    print(
        f"  boxes grown greedily: {tests_gd + tests_gc:,} boxes tested, "
        f"{time.process_time() - c2:.1f} s CPU"
    )
    _report(
        args,
        rng,
        share,
        "boxes grown greedily around each input (a covering's size, estimate: not a bound)",
        1.0 / g_d,
        1.0 / g_c,
    )


def _report(
    args: argparse.Namespace,
    rng: np.random.Generator,
    share: float,
    title: str,
    inv_d: np.ndarray,
    inv_c: np.ndarray,
) -> None:
    print(f" {title}:")
    for name, inv in (("discriminatory", inv_d), ("clean", inv_c)):
        u = 1.0 / inv
        q = np.quantile(u, [0.1, 0.5, 0.9])
        print(
            f"  {name:<15} largest box around an input (mass, upper bound): 10/50/90 % "
            f"{q[0]:.2e} / {q[1]:.2e} / {q[2]:.2e}"
        )
    per_d = 1.0 / args.n
    per_c = (1.0 - share) / max(1, len(inv_c))
    print(
        f"  {'width pt':>9} {'boxes needed (estimate)':>24} {'90 % interval':>22}"
        "  split (disc/clean pt)"
    )
    for w in args.width:
        eps = w / 100.0
        best = None
        for frac in np.linspace(0.0, 1.0, 21):
            n_d = _cheapest(inv_d, per_d, eps * frac)
            n_c = _cheapest(inv_c, per_c, eps * (1 - frac))
            if best is None or n_d + n_c < best[0]:
                best = (n_d + n_c, frac)
        assert best is not None
        boot = []
        for _ in range(200):
            bd = rng.choice(inv_d, size=len(inv_d))
            bc = rng.choice(inv_c, size=len(inv_c))
            boot.append(
                _cheapest(bd, per_d, eps * best[1]) + _cheapest(bc, per_c, eps * (1 - best[1]))
            )
        lo, hi = np.quantile(boot, [0.05, 0.95])
        print(
            f"  {w:>9.2f} {best[0]:>24,.0f} {lo:>10,.0f} - {hi:<10,.0f}  "
            f"{w * best[1]:.3f} / {w * (1 - best[1]):.3f}"
        )


def _segments_factory() -> object:
    """A compiled function: per line (an input and a feature), the weight of the longest
    segment around the input along that feature that the refinement's test decides."""
    from numba import njit

    from assay.fairness.exact import jit as exact_jit
    from assay.fairness.exact import kernel

    exact_jit.compile_all()
    walk = kernel._walk
    outcome = kernel._outcome

    @njit(cache=False)
    def decided(lo, hi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score):  # type: ignore[no-untyped-def]
        n_trees = len(model[5])
        for t in range(n_trees):
            walk(t, lo, hi, attr, n_alpha, model, queue, st)
        out, _, _ = outcome(n_alpha, base, eps, model[6], st, lows, highs, score)
        return out != 3

    @njit(cache=False)
    def segments(cells, n_atoms, cw, attr, n_alpha, base, eps, model, tree_size):  # type: ignore[no-untyped-def]
        n, n_feat = cells.shape
        n_trees = len(model[5])
        queue = np.empty(tree_size + 2, dtype=np.int64)
        st = (
            np.empty((n_trees, n_alpha)),
            np.empty((n_trees, n_alpha)),
            np.empty(n_trees),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
        )
        lows = np.empty(n_alpha)
        highs = np.empty(n_alpha)
        score = np.empty(n_feat)
        out = np.ones((n, n_feat))
        lo = np.empty(n_feat, dtype=np.int64)
        hi = np.empty(n_feat, dtype=np.int64)
        tests = 0
        for i in range(n):
            for f in range(n_feat):
                if f == attr:
                    continue
                for g in range(n_feat):
                    lo[g] = cells[i, g]
                    hi[g] = cells[i, g] + 1
                lo[attr] = 0
                hi[attr] = n_alpha
                x = cells[i, f]
                # two pointers: for each left end (from x down), the furthest right end
                left = x
                right = x + 1
                lo[f] = x
                hi[f] = right + 1
                while right < n_atoms[f]:
                    hi[f] = right + 1
                    tests += 1
                    if not decided(
                        lo, hi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score
                    ):
                        break
                    right += 1
                best = cw[f, right] - cw[f, x]
                while left > 0:
                    left -= 1
                    lo[f] = left
                    ok = False
                    while right > x:
                        hi[f] = right
                        tests += 1
                        if decided(
                            lo, hi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score
                        ):
                            ok = True
                            break
                        right -= 1
                    if not ok:
                        break
                    w = cw[f, right] - cw[f, left]
                    if w > best:
                        best = w
                out[i, f] = best
        return out, tests

    @njit(cache=False)
    def grow(cells, n_atoms, cw, attr, n_alpha, base, eps, model, tree_size):  # type: ignore[no-untyped-def]
        """Per input, the mass of a box grown greedily around it (one atom at a time, each
        feature's low then high side in turn) while the test decides it."""
        n, n_feat = cells.shape
        n_trees = len(model[5])
        queue = np.empty(tree_size + 2, dtype=np.int64)
        st = (
            np.empty((n_trees, n_alpha)),
            np.empty((n_trees, n_alpha)),
            np.empty(n_trees),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
            np.empty(n_trees, dtype=np.int64),
        )
        lows = np.empty(n_alpha)
        highs = np.empty(n_alpha)
        score = np.empty(n_feat)
        out = np.ones(n)
        lo = np.empty(n_feat, dtype=np.int64)
        hi = np.empty(n_feat, dtype=np.int64)
        step = np.empty(2 * n_feat, dtype=np.int64)
        tests = 0
        for i in range(n):
            for g in range(n_feat):
                lo[g] = cells[i, g]
                hi[g] = cells[i, g] + 1
            lo[attr] = 0
            hi[attr] = n_alpha
            for k in range(2 * n_feat):
                step[k] = 1
            step[2 * attr] = 0
            step[2 * attr + 1] = 0
            moved = True
            while moved:
                moved = False
                for k in range(2 * n_feat):
                    if step[k] == 0:
                        continue
                    f = k // 2
                    # try the largest step first (doubling), halve on failure
                    while step[k] > 0:
                        if k % 2 == 0:
                            old = lo[f]
                            lo[f] = max(0, old - step[k])
                            if lo[f] == old:
                                step[k] = 0
                                break
                        else:
                            old = hi[f]
                            hi[f] = min(n_atoms[f], old + step[k])
                            if hi[f] == old:
                                step[k] = 0
                                break
                        tests += 1
                        if decided(
                            lo, hi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score
                        ):
                            step[k] *= 2
                            moved = True
                            break
                        if k % 2 == 0:
                            lo[f] = old
                        else:
                            hi[f] = old
                        step[k] //= 2
            m = 1.0
            for f in range(n_feat):
                if f != attr:
                    m *= cw[f, hi[f]] - cw[f, lo[f]]
            out[i] = m
        return out, tests

    return segments, grow


def tested_runs(flat: Flat, cells: np.ndarray) -> tuple[np.ndarray, int]:
    """Per input and feature, the longest segment through it along the feature that the
    refinement's per-tree interval test decides (any box it decides holding the input is
    at most that long along that feature: the test is monotone under sub-boxes)."""
    from assay.fairness.exact.ensemble import _KernelArrays

    arrays = _KernelArrays.of(flat)
    segments, _ = _segments_factory()  # type: ignore[misc]
    out, tests = segments(  # type: ignore[operator]
        cells.astype(np.int64),
        flat.n_atoms.astype(np.int64),
        arrays.cw,
        flat.attribute,
        int(flat.n_atoms[flat.attribute]),
        float(flat.base),
        1e-9,
        arrays.model,
        arrays.tree_size,
    )
    return out, int(tests)


if __name__ == "__main__":
    main()
