"""Where the undecided mass of the exact analysis sits (prints; not a test).

After ``--cpu`` seconds of CPU of the compiled refinement (the deadline on the process's CPU
clock), for one Adult ensemble of ``fairness_exact_cpu.py`` and one attribute: how the
undecided mass is spread over the undecided boxes, and in a mass-weighted sample of them
(``--boxes``, ``--inputs`` uniform inputs each, every one followed down the trees with every
value of the attribute) the share of discriminatory inputs, the boxes that gave one class
everywhere sampled (likely clean: only tighter bounds would settle them) or both classes
(mixed: only cutting or counting settles them), the free features per box, and the box's
interval bounds on the margin against the range sampled inside it.

    python bench/fairness_exact_where.py --model forest --attr sex --cpu 10
"""

from __future__ import annotations

import argparse
import time
import types

import numpy as np

from assay.fairness.exact import ensemble
from assay.fairness.exact.ensemble import Flat, _KernelArrays, refine
from fairness_exact_cpu import MODELS, _flat


def _margins(flat: Flat, model: tuple[np.ndarray, ...], x: np.ndarray, alpha: int) -> np.ndarray:
    """The margin of each row of atoms ``x`` with the attribute's atom ``alpha``."""
    feat, cut, low, high, value, roots, _ = model
    rows = np.arange(len(x))
    total = np.full(len(x), flat.base)
    for root in roots:
        n = np.full(len(x), root)
        while True:
            f = feat[n]
            leaf = f < 0
            if leaf.all():
                break
            fx = np.where(leaf, 0, f)
            v = np.where(fx == flat.attribute, alpha, x[rows, fx])
            n = np.where(leaf, n, np.where(v < cut[n], low[n], high[n]))
        total += value[n]
    return total


def _bounds(
    flat: Flat, model: tuple[np.ndarray, ...], lo: np.ndarray, hi: np.ndarray, alpha: int
) -> tuple[float, float]:
    """The interval bounds on the margin over the box (the sums of the refinement)."""
    feat, cut, low, high, value, roots, _ = model
    least = most = flat.base
    for root in roots:
        stack, mn, mx = [int(root)], np.inf, -np.inf
        while stack:
            n = stack.pop()
            f = feat[n]
            if f < 0:
                mn, mx = min(mn, value[n]), max(mx, value[n])
            elif f == flat.attribute:
                stack.append(low[n] if alpha < cut[n] else high[n])
            else:
                if lo[f] < cut[n]:
                    stack.append(low[n])
                if hi[f] > cut[n]:
                    stack.append(high[n])
        least, most = least + mn, most + mx
    return least, most


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--cpu", type=float, default=10.0)
    parser.add_argument("--boxes", type=int, default=200)
    parser.add_argument("--inputs", type=int, default=400)
    args = parser.parse_args()
    ensemble.time = types.SimpleNamespace(monotonic=time.process_time)  # type: ignore[attr-defined]
    flat = _flat(MODELS[args.model](), args.attr)
    model = _KernelArrays.of(flat).model
    refine(flat, deadline=time.process_time() + 0.5, compiled=True)  # load the kernel
    c0 = time.process_time()
    got = refine(flat, deadline=c0 + args.cpu, compiled=True, max_pool=10**7, threads=1)
    mass = got.pend_mass
    print(
        f"{args.model} {args.attr}: {time.process_time() - c0:.1f} s CPU, lower bound "
        f"{100 * got.disc_mass:.4f} %, width {100 * mass.sum():.4f} pt, {len(mass):,} boxes"
    )
    share = np.cumsum(np.sort(mass)[::-1]) / mass.sum()
    for q in (0.5, 0.9, 0.99):
        print(f"  {q:.0%} of the undecided mass in {int(np.searchsorted(share, q)) + 1:,} boxes")
    print(f"  box masses {mass.max():.2e} .. {mass.min():.2e}")
    rng = np.random.default_rng(0)
    n_alpha = int(flat.n_atoms[flat.attribute])
    pick = rng.choice(len(mass), size=min(args.boxes, len(mass)), p=mass / mass.sum())
    rows = []
    for i in pick:
        lo, hi = got.pend_lo[i], got.pend_hi[i]
        x = np.zeros((args.inputs, flat.n_features), dtype=np.int64)
        for f in range(flat.n_features):
            if f != flat.attribute:
                c = flat.cumweight[f]
                u = rng.uniform(c[lo[f]], c[hi[f]], args.inputs)
                x[:, f] = np.clip(np.searchsorted(c, u, side="right") - 1, lo[f], hi[f] - 1)
        m = np.stack([_margins(flat, model, x, a) for a in range(n_alpha)])
        pos = m > 0
        disc = pos.any(0) & ~pos.all(0)
        b = _bounds(flat, model, lo, hi, 0)
        one = bool(pos.all(0).all() or (~pos).all(0).all())
        both = bool(pos.all(0).any() and (~pos).all(0).any())
        free = int(np.sum(hi - lo > 1)) - int(hi[flat.attribute] - lo[flat.attribute] > 1)
        rows.append((disc.mean(), one, both, free, np.ptp(m[0]), b[1] - b[0]))
    r = np.array(rows, dtype=float)
    print(
        f"  sampled boxes: {100 * r[:, 0].mean():.1f} % of inputs discriminatory; "
        f"{100 * r[:, 1].mean():.0f} % one class everywhere sampled, {100 * r[:, 2].mean():.0f} % "
        f"both classes; free features median {np.median(r[:, 3]):.0f}; margin spread sampled "
        f"{np.median(r[:, 4]):.3f} against bounds {np.median(r[:, 5]):.3f} (medians)"
    )


if __name__ == "__main__":
    main()
