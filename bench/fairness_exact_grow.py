"""Grow-and-split against halving on the forest's undecided boxes (prints; not a test).

The refinement (``kernel.best_first``) runs ``--first`` CPU seconds; then its undecided boxes
are taken over, largest first, by *grow-and-split*: a box is tested; when undecided, a cell is
drawn in it (uniformly by weight), a box is grown around the cell inside it while the
refinement's per-tree interval test decides it (each feature's low and high side in turn,
doubling the step on success, halving it on failure), its mass is settled, and the rest of the
box is split around it (at most two slabs per feature) and goes back to the heap.  Compared
with the refinement continued for the same CPU seconds from the same point (``--more``).

    PYTHONPATH=src:bench python bench/fairness_exact_grow.py --first 10 --more 20
"""

from __future__ import annotations

import argparse
import time
import types
from typing import Any

import numpy as np

from assay.fairness.exact import ensemble, kernel
from assay.fairness.exact import jit as exact_jit
from assay.fairness.exact.ensemble import _KernelArrays, refine
from fairness_exact_compile import MODELS, flat_of


def _factory() -> Any:
    from numba import njit

    exact_jit.compile_all()
    walk = kernel._walk
    outcome = kernel._outcome
    sift_up = kernel._sift_up
    sift_down = kernel._sift_down

    @njit(cache=False)
    def test(lo, hi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score):  # type: ignore[no-untyped-def]
        for t in range(len(model[5])):
            walk(t, lo, hi, attr, n_alpha, model, queue, st)
        out, _, _ = outcome(n_alpha, base, eps, model[6], st, lows, highs, score)
        return out

    @njit(cache=False)
    def mass(lo, hi, cw, attr):  # type: ignore[no-untyped-def]
        m = 1.0
        for f in range(len(lo)):
            if f != attr:
                m *= cw[f, hi[f]] - cw[f, lo[f]]
        return m

    @njit(cache=False)
    def run(h_box, h_m, n_heap, steps, cw, attr, n_alpha, base, eps, model, tree_size, seed):  # type: ignore[no-untyped-def]
        np.random.seed(seed)
        n_feat = h_box.shape[2]
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
        blo = np.empty(n_feat, dtype=np.int64)
        bhi = np.empty(n_feat, dtype=np.int64)
        glo = np.empty(n_feat, dtype=np.int64)
        ghi = np.empty(n_feat, dtype=np.int64)
        step = np.empty(2 * n_feat, dtype=np.int64)
        disc = 0.0
        clean = 0.0
        tie = 0.0
        tests = 0
        grown = 0
        cap = h_box.shape[0]
        for _ in range(steps):
            if n_heap == 0 or n_heap + 2 * n_feat + 1 > cap:
                break
            blo[:] = h_box[0, 0]
            bhi[:] = h_box[0, 1]
            m = h_m[0]
            n_heap -= 1
            if n_heap > 0:
                h_box[0] = h_box[n_heap]
                h_m[0] = h_m[n_heap]
                sift_down(h_box, h_m, h_m, n_heap)  # the mass is the key here
            tests += 1
            o = test(blo, bhi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score)
            if o == 0:
                clean += m
                continue
            if o == 1:
                disc += m
                continue
            if o == 2:
                tie += m
                continue
            # a cell drawn by weight
            for f in range(n_feat):
                if f == attr:
                    glo[f] = 0
                    ghi[f] = n_alpha
                    continue
                u = cw[f, blo[f]] + np.random.random() * (cw[f, bhi[f]] - cw[f, blo[f]])
                a = blo[f]
                while a + 1 < bhi[f] and cw[f, a + 1] <= u:
                    a += 1
                glo[f] = a
                ghi[f] = a + 1
            for k in range(2 * n_feat):
                step[k] = 0 if k // 2 == attr else 1
            moved = True
            while moved:
                moved = False
                for k in range(2 * n_feat):
                    f = k // 2
                    while step[k] > 0:
                        if k % 2 == 0:
                            old = glo[f]
                            glo[f] = max(blo[f], old - step[k])
                            if glo[f] == old:
                                step[k] = 0
                                break
                        else:
                            old = ghi[f]
                            ghi[f] = min(bhi[f], old + step[k])
                            if ghi[f] == old:
                                step[k] = 0
                                break
                        tests += 1
                        oo = test(
                            glo, ghi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score
                        )
                        if oo == 0 or oo == 1:
                            step[k] *= 2
                            moved = True
                            break
                        if k % 2 == 0:
                            glo[f] = old
                        else:
                            ghi[f] = old
                        step[k] //= 2
            tests += 1
            o = test(glo, ghi, attr, n_alpha, base, eps, model, queue, st, lows, highs, score)
            gm = mass(glo, ghi, cw, attr)
            if o == 0:
                clean += gm
            elif o == 1:
                disc += gm
            else:
                tie += gm
            grown += 1
            # the rest of the box: two slabs per feature at most
            for f in range(n_feat):
                if f == attr:
                    continue
                if blo[f] < glo[f]:
                    h_box[n_heap, 0] = blo
                    h_box[n_heap, 1] = bhi
                    h_box[n_heap, 1, f] = glo[f]
                    h_m[n_heap] = mass(h_box[n_heap, 0], h_box[n_heap, 1], cw, attr)
                    sift_up(h_box, h_m, h_m, n_heap)
                    n_heap += 1
                    blo[f] = glo[f]
                if ghi[f] < bhi[f]:
                    h_box[n_heap, 0] = blo
                    h_box[n_heap, 1] = bhi
                    h_box[n_heap, 0, f] = ghi[f]
                    h_m[n_heap] = mass(h_box[n_heap, 0], h_box[n_heap, 1], cw, attr)
                    sift_up(h_box, h_m, h_m, n_heap)
                    n_heap += 1
                    bhi[f] = ghi[f]
        return n_heap, disc, clean, tie, tests, grown

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--first", type=float, default=10.0)
    parser.add_argument("--more", type=float, default=20.0)
    args = parser.parse_args()
    clock = time.process_time
    ensemble.time = types.SimpleNamespace(monotonic=clock)  # type: ignore[assignment]
    flat = flat_of(MODELS[args.model](), args.attr)
    refine(flat, deadline=clock() + 0.5, compiled=True)  # load the kernel
    arrays = _KernelArrays.of(flat)
    run = _factory()
    got = refine(flat, deadline=clock() + args.first, compiled=True, max_pool=10**7, threads=1)
    pend = float(got.pend_mass.sum())
    print(
        f"{args.model} {args.attr}: refinement {args.first:g} s CPU: width {100 * pend:.4f} pt, "
        f"{len(got.pend_mass):,} undecided boxes"
    )
    # grow-and-split on the undecided boxes
    cap = 4 * len(got.pend_mass) + 10**6
    h_box = np.zeros((cap, 2, flat.n_features), dtype=np.int64)
    h_m = np.zeros(cap)
    order = np.argsort(-got.pend_mass, kind="stable")  # sorted descending: a valid max-heap
    n = len(order)
    h_box[:n, 0] = got.pend_lo[order]
    h_box[:n, 1] = got.pend_hi[order]
    h_m[:n] = got.pend_mass[order]
    a = flat.attribute
    n_alpha = int(flat.n_atoms[a])
    run(h_box, h_m, 0, 0, arrays.cw, a, n_alpha, float(flat.base), 1e-9, arrays.model, 8, 0)
    c0 = clock()
    disc = clean = tie = 0.0
    tests = grown = 0
    seed = 1
    while clock() - c0 < args.more and n > 0:
        n, d, c, t, k, g = run(
            h_box,
            h_m,
            n,
            2000,
            arrays.cw,
            a,
            n_alpha,
            float(flat.base),
            1e-9,
            arrays.model,
            arrays.tree_size,
            seed,
        )
        seed += 1
        disc += d
        clean += c
        tie += t
        tests += k
        grown += g
    used = clock() - c0
    width = pend - disc - clean
    print(
        f"  grow-and-split {used:.1f} s CPU more: width {100 * width:.4f} pt "
        f"(settled {100 * disc:.4f} disc, {100 * clean:.4f} clean, {100 * tie:.4f} tie), "
        f"{tests:,} tests ({tests / used:,.0f} per CPU s), {grown:,} boxes grown, "
        f"{n:,} boxes left"
    )
    c1 = clock()
    again = refine(
        flat, deadline=clock() + args.first + used, compiled=True, max_pool=10**7, threads=1
    )
    print(
        f"  refinement alone {clock() - c1:.1f} s CPU from the start ({args.first:g} + {used:.1f}):"
        f" width {100 * float(again.pend_mass.sum()):.4f} pt"
    )


if __name__ == "__main__":
    main()
