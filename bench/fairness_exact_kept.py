"""What a step of the refinement costs when each box in the heap keeps its trees' walks
(prints; not a test).

``kernel.best_first`` walks every tree over each box it takes from the heap (a box put back
into the heap loses its walks), then decides its halves walking again only the trees that
split the cut feature.  ``_kept_first`` here is the same loop with one change: a box put back
keeps its walks (the rows the depth-first stack already holds) in a slab beside the heap, and
a box taken is loaded from there instead of walked.  Every decision is the same, so both
refine the same boxes step for step (checked: steps, discriminatory mass, boxes left); the
CPU each takes for the same steps is the step's cost with and without the walk of the box
taken, and the slab's bytes per box what keeping the walks costs in memory.

    python bench/fairness_exact_kept.py --steps 1000000 --attr sex
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assay.fairness.exact import ensemble, kernel
from assay.fairness.exact.ensemble import _KernelArrays
from assay.fairness.exact.jit import jit
from assay.fairness.exact.settle import settle, workspace, worth
from fairness_exact_cpu import MODELS, _flat
from fairness_exact_step import _state

Model = tuple[np.ndarray, ...]


@jit  # type: ignore[misc]
def _up(h_box: np.ndarray, h_m: np.ndarray, h_p: np.ndarray, h_r: np.ndarray, i: int) -> None:
    m, p_i, r = h_m[i], h_p[i], h_r[i]
    box = h_box[i].copy()
    while i > 0:
        p = (i - 1) // 2
        if h_p[p] >= p_i:
            break
        h_m[i], h_p[i], h_r[i] = h_m[p], h_p[p], h_r[p]
        h_box[i] = h_box[p]
        i = p
    h_m[i], h_p[i], h_r[i] = m, p_i, r
    h_box[i] = box


@jit  # type: ignore[misc]
def _down(h_box: np.ndarray, h_m: np.ndarray, h_p: np.ndarray, h_r: np.ndarray, n: int) -> None:
    m, p_i, r = h_m[0], h_p[0], h_r[0]
    box = h_box[0].copy()
    i = 0
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        if c + 1 < n and h_p[c + 1] > h_p[c]:
            c += 1
        if h_p[c] <= p_i:
            break
        h_m[i], h_p[i], h_r[i] = h_m[c], h_p[c], h_r[c]
        h_box[i] = h_box[c]
        i = c
    h_m[i], h_p[i], h_r[i] = m, p_i, r
    h_box[i] = box


@jit  # type: ignore[misc]
def _kept_first(
    h_box: np.ndarray,
    h_m: np.ndarray,
    h_p: np.ndarray,
    h_r: np.ndarray,
    n_heap: int,
    slab: tuple[np.ndarray, ...],
    free: np.ndarray,
    n_free: int,
    model: Model,
    tree_size: int,
    cw: np.ndarray,
    attr: int,
    n_alpha: int,
    base: float,
    eps: float,
    budget: int,
    per_box: int,
    depth: int,
    work: tuple[np.ndarray, ...],
    max_pieces: int,
    max_pairs: int,
    beta: float,
    keep_walks: bool,
) -> tuple[int, int, float, int, int]:
    """``kernel.best_first`` (without ``direction``, ties or boxes found kept), a box put
    back keeping its walks in ``slab`` (``h_r``: its row, -1 none) when ``keep_walks``.
    Returns ``(n_heap, n_free, disc_mass, steps, walks of boxes taken)``."""
    r_tmn, r_tmx, r_tree, r_mask = slab
    _, _, n_feat = h_box.shape
    uses_attr = model[6]
    n_trees = len(uses_attr)
    disc_mass = 0.0
    steps = 0
    walked = 0
    n_cut = 0
    box = np.empty((3, 2, n_feat), dtype=np.int64)
    queue = np.empty(tree_size + 2, dtype=np.int64)
    lows = np.empty(n_alpha)
    highs = np.empty(n_alpha)
    score = np.empty(n_feat)
    parent = _state(n_trees, n_alpha)
    b_tree = np.empty(n_trees, dtype=np.int64)
    b_tmn = np.empty((n_trees, n_alpha))
    b_tmx = np.empty((n_trees, n_alpha))
    b_width = np.empty(n_trees)
    b_int = np.empty((n_trees, 4), dtype=np.int64)
    k_tmn = np.empty((depth, n_trees, n_alpha))
    k_tmx = np.empty((depth, n_trees, n_alpha))
    k_tree = np.empty((depth, 4, n_trees))
    k_mask = np.empty((depth, n_trees), dtype=np.int64)
    k_box = np.empty((depth, 2, n_feat), dtype=np.int64)
    k_cut = np.empty((depth, 2), dtype=np.int64)
    k_pri = np.empty(depth)
    while n_heap > 0 and steps < budget and n_heap + depth + 2 <= len(h_m) and n_free > depth:
        box[0] = h_box[0]
        m = h_m[0]
        r = h_r[0]
        n_heap -= 1
        if n_heap > 0:
            h_box[0] = h_box[n_heap]
            h_m[0] = h_m[n_heap]
            h_p[0] = h_p[n_heap]
            h_r[0] = h_r[n_heap]
            _down(h_box, h_m, h_p, h_r, n_heap)
        if r >= 0:
            kernel._load(parent, r_tmn, r_tmx, r_tree, r_mask, r)
            free[n_free] = r
            n_free += 1
        else:
            walked += 1
            for t in range(n_trees):
                kernel._walk(t, box[0, 0], box[0, 1], attr, n_alpha, model, queue, parent)
        outcome, f_cut, c = kernel._outcome(
            n_alpha, base, eps, uses_attr, parent, lows, highs, score, False
        )
        steps += 1
        sp = 0
        n_cut += outcome == kernel.CUT
        if outcome == kernel.CUT and max_pieces > 0 and worth(work, n_cut):
            ok, d_exact = settle(
                box[0, 0],
                box[0, 1],
                attr,
                n_alpha,
                base,
                eps,
                model,
                parent[0],
                parent[5],
                queue,
                cw,
                work,
                max_pieces,
                max_pairs,
                False,
            )
            if ok:
                disc_mass += d_exact
                outcome = kernel.SETTLED
        if outcome == kernel.CUT:
            k_pri[0] = kernel._priority(1.0, lows, highs, eps, beta)
            kernel._save(parent, k_tmn, k_tmx, k_tree, k_mask, 0)
            k_box[0] = box[0]
            k_cut[0, 0] = f_cut
            k_cut[0, 1] = c
            sp = 1
        elif outcome == kernel.DISC:
            disc_mass += m
        evals = 0
        while 0 < sp < depth and evals < per_box:
            sp -= 1
            kernel._load(parent, k_tmn, k_tmx, k_tree, k_mask, sp)
            box[0] = k_box[sp]
            f_cut = k_cut[sp, 0]
            c = k_cut[sp, 1]
            bit = np.int64(-1) if n_feat > 62 else np.int64(1) << f_cut
            for half in range(2):
                box[1] = box[0]
                box[1, 1 - half, f_cut] = c
                n_back = 0
                for t in range(n_trees):
                    if parent[5][t] & bit:
                        b_tree[n_back] = t
                        b_tmn[n_back] = parent[0][t]
                        b_tmx[n_back] = parent[1][t]
                        b_width[n_back] = parent[2][t]
                        b_int[n_back, 0] = parent[3][t]
                        b_int[n_back, 1] = parent[4][t]
                        b_int[n_back, 2] = parent[5][t]
                        b_int[n_back, 3] = parent[6][t]
                        n_back += 1
                        kernel._walk(t, box[1, 0], box[1, 1], attr, n_alpha, model, queue, parent)
                outcome, f2, c2 = kernel._outcome(
                    n_alpha, base, eps, uses_attr, parent, lows, highs, score, False
                )
                steps += 1
                evals += 1
                m = kernel._mass(box[1, 0], box[1, 1], cw, attr)
                n_cut += outcome == kernel.CUT
                if outcome == kernel.CUT and max_pieces > 0 and worth(work, n_cut):
                    ok, d_exact = settle(
                        box[1, 0],
                        box[1, 1],
                        attr,
                        n_alpha,
                        base,
                        eps,
                        model,
                        parent[0],
                        parent[5],
                        queue,
                        cw,
                        work,
                        max_pieces,
                        max_pairs,
                        False,
                    )
                    if ok:
                        disc_mass += d_exact
                        outcome = kernel.SETTLED
                if outcome == kernel.DISC:
                    disc_mass += m
                elif outcome == kernel.CUT:
                    k_pri[sp] = kernel._priority(1.0, lows, highs, eps, beta)
                    kernel._save(parent, k_tmn, k_tmx, k_tree, k_mask, sp)
                    k_box[sp] = box[1]
                    k_cut[sp, 0] = f2
                    k_cut[sp, 1] = c2
                    sp += 1
                for j in range(n_back):
                    t = b_tree[j]
                    parent[0][t] = b_tmn[j]
                    parent[1][t] = b_tmx[j]
                    parent[2][t] = b_width[j]
                    parent[3][t] = b_int[j, 0]
                    parent[4][t] = b_int[j, 1]
                    parent[5][t] = b_int[j, 2]
                    parent[6][t] = b_int[j, 3]
        for i in range(sp):
            h_box[n_heap] = k_box[i]
            h_m[n_heap] = kernel._mass(k_box[i, 0], k_box[i, 1], cw, attr)
            h_p[n_heap] = h_m[n_heap] * k_pri[i]
            h_r[n_heap] = -1
            if keep_walks:
                n_free -= 1
                s = free[n_free]
                r_tmn[s] = k_tmn[i]
                r_tmx[s] = k_tmx[i]
                r_tree[s] = k_tree[i]
                r_mask[s] = k_mask[i]
                h_r[n_heap] = s
            n_heap += 1
            _up(h_box, h_m, h_p, h_r, n_heap - 1)
    return n_heap, n_free, disc_mass, steps, walked


def _run(flat, k, steps: int, call: int, keep: bool, room: int):  # type: ignore[no-untyped-def]
    n_feat = flat.n_features
    n_trees = len(flat.roots)
    n_alpha = len(flat.allow)
    cap = room + k.depth + 4
    h_box = np.zeros((cap, 2, n_feat), dtype=np.int16)
    h_box[0, 1] = flat.n_atoms
    h_m = np.zeros(cap)
    h_p = np.zeros(cap)
    h_r = np.full(cap, -1, dtype=np.int64)
    h_m[0] = h_p[0] = 1.0
    rows = cap if keep else 1
    slab = (
        np.empty((rows, n_trees, n_alpha)),
        np.empty((rows, n_trees, n_alpha)),
        np.empty((rows, 4, n_trees)),
        np.empty((rows, n_trees), dtype=np.int64),
    )
    free = np.arange(rows, dtype=np.int64)
    n_free = rows if keep else 10**9
    if not keep:
        free = np.zeros(1, dtype=np.int64)
    work = workspace(n_feat, n_trees, n_alpha, ensemble._SETTLE_PIECES)
    n_heap, disc, done, walked = 1, 0.0, 0, 0
    cpu = 0.0
    while done < steps and n_heap:
        t0 = time.process_time()
        n_heap, n_free, d, s, w = _kept_first(
            h_box,
            h_m,
            h_p,
            h_r,
            n_heap,
            slab,
            free,
            n_free,
            k.model,
            k.tree_size,
            k.cw,
            flat.attribute,
            n_alpha,
            flat.base,
            flat.model.tie,
            min(call, steps - done),
            ensemble._PER_BOX,
            k.depth,
            work,
            ensemble._SETTLE_PIECES,
            ensemble._SETTLE_PAIRS,
            ensemble._BETA,
            keep,
        )
        cpu += time.process_time() - t0
        disc += d
        done += s
        walked += w
        if s == 0:
            break
    per_box = sum(a[0].nbytes for a in slab) if keep else 0
    return cpu, done, disc, n_heap, float(h_m[:n_heap].sum()), walked, per_box


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--room", type=int, default=400_000, help="heap rows (and slab rows)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    flat = _flat(MODELS[args.model](), args.attr)
    k = _KernelArrays.of(flat)
    _run(flat, k, 2000, 1000, False, 10_000)  # compile
    _run(flat, k, 2000, 1000, True, 10_000)
    for _ in range(args.rounds):
        for keep in (False, True):
            cpu, steps, disc, n_heap, left, walked, per_box = _run(
                flat, k, args.steps, 20_000, keep, args.room
            )
            print(
                f"{args.model} {args.attr} {'walks kept' if keep else 'as the kernel':<13} "
                f"{steps:,} steps in {cpu:.2f} s of CPU ({cpu / steps * 1e6:.2f} us a step, "
                f"{steps / cpu:,.0f} a second); boxes walked when taken {walked:,}; "
                f"disc {100 * disc:.6f} %  width {100 * left:.6f} pt  heap {n_heap:,}"
                + (f"; slab {per_box:,} bytes a box" if keep else ""),
                flush=True,
            )


if __name__ == "__main__":
    main()
