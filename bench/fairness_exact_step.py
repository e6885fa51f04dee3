"""What one step of the compiled refinement costs, part by part (prints; not a test).

After ``--cpu`` seconds of CPU of the refinement (one heap, as ``ensemble._refine_best_first``
runs it with one thread, the deadline on the process's CPU clock), the heap is copied and:

- the kernel's own rate on it: ``--steps`` steps from the same copy, the CPU of the calls
  against the CPU of the loop around them (Python between calls), with and without
  ``settle`` (``max_pieces`` 0);
- on ``--sample`` boxes of the heap (drawn by mass): walking every tree over the box (what a
  box taken from the heap costs), the nodes those walks visit, the trees that straddle it;
  the box's cut and its two halves walked again (the trees splitting the cut feature only, as
  the kernel does); ``_outcome``; a heap's pop and push at the heap's size;
- the same walks with whole subtrees taken from a table when every split below a node is
  straddled by the box (``subtree.py``'s shortcut): nodes visited, CPU, and that every output
  of every walk is the same.

    python bench/fairness_exact_step.py --cpu 20 --attr sex
"""

from __future__ import annotations

import argparse
import time
import types

import numpy as np

from assay.fairness.exact import ensemble, kernel
from assay.fairness.exact.ensemble import _Heap, _KernelArrays
from assay.fairness.exact.jit import jit
from fairness_exact_cpu import MODELS, _flat

Model = tuple[np.ndarray, ...]


@jit  # type: ignore[misc]
def _state(n_trees: int, n_alpha: int) -> tuple[np.ndarray, ...]:
    """The arrays ``kernel._walk`` fills (``st``), zeroed."""
    return (
        np.zeros((n_trees, n_alpha)),
        np.zeros((n_trees, n_alpha)),
        np.zeros(n_trees),
        np.zeros(n_trees, dtype=np.int64),
        np.zeros(n_trees, dtype=np.int64),
        np.zeros(n_trees, dtype=np.int64),
        np.zeros(n_trees, dtype=np.int64),
    )


@jit  # type: ignore[misc]
def _walk_count(
    t: int,
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    model: Model,
    queue: np.ndarray,
) -> int:
    """The nodes ``kernel._walk`` visits for tree ``t`` over the box (every alpha's walk)."""
    node_feat, node_cut, node_low, node_high = model[0], model[1], model[2], model[3]
    n_walks = n_alpha if model[6][t] else 1
    seen = 0
    for a in range(n_walks):
        head = 0
        tail = 1
        queue[0] = model[5][t]
        while head < tail:
            n = queue[head]
            head += 1
            seen += 1
            f = node_feat[n]
            if f < 0:
                continue
            if f == attr:
                queue[tail] = node_low[n] if a < node_cut[n] else node_high[n]
                tail += 1
                continue
            c = node_cut[n]
            if lo[f] < c:
                queue[tail] = node_low[n]
                tail += 1
            if hi[f] > c:
                queue[tail] = node_high[n]
                tail += 1
    return seen


@jit  # type: ignore[misc]
def _walk_joint(
    t: int,
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    model: Model,
    queue: np.ndarray,
    first: np.ndarray,
    st: tuple[np.ndarray, ...],
) -> None:
    """``kernel._walk`` with every alpha in one walk (at most 31): each queued node carries
    the alphas reaching it in the bits above 32 of its entry, so the nodes above a tree's
    splits on the attribute are visited once; the first straddled split per alpha in
    ``first``, the walk's own order restricted to that alpha's nodes (the same results)."""
    node_feat, node_cut, node_low, node_high, node_value, roots, uses_attr = model
    tmn, tmx, width, s_feat, s_cut, fmask, tdep = st
    wide = len(lo) > 62
    s_feat[t] = -1
    s_cut[t] = 0
    fmask[t] = -1 if wide else 0
    tdep[t] = 0
    n_walks = n_alpha if uses_attr[t] else 1
    for a in range(n_walks):
        tmn[t, a] = np.inf
        tmx[t, a] = -np.inf
        first[a] = -1
    head = 0
    tail = 1
    queue[0] = roots[t] | (((np.int64(1) << n_walks) - 1) << 32)
    while head < tail:
        n = queue[head] & 0xFFFFFFFF
        s = queue[head] >> 32
        head += 1
        f = node_feat[n]
        if f < 0:
            v = node_value[n]
            a = 0
            while s:
                if s & 1:
                    if v < tmn[t, a]:
                        tmn[t, a] = v
                    if v > tmx[t, a]:
                        tmx[t, a] = v
                s >>= 1
                a += 1
        elif f == attr:
            tdep[t] = 1
            c = node_cut[n]
            below = s & ((np.int64(1) << c) - 1) if c < 63 else s
            above = s & ~below
            if below:
                queue[tail] = node_low[n] | (below << 32)
                tail += 1
            if above:
                queue[tail] = node_high[n] | (above << 32)
                tail += 1
        else:
            c = node_cut[n]
            go_low = lo[f] < c
            go_high = hi[f] > c
            if go_low:
                queue[tail] = node_low[n] | (s << 32)
                tail += 1
            if go_high:
                queue[tail] = node_high[n] | (s << 32)
                tail += 1
            if go_low and go_high:
                a = 0
                while s:
                    if s & 1 and first[a] < 0:
                        first[a] = n
                    s >>= 1
                    a += 1
                if not wide:
                    fmask[t] |= np.int64(1) << f
    w_t = 0.0
    for a in range(n_walks):
        if s_feat[t] < 0 and first[a] >= 0:
            s_feat[t] = node_feat[first[a]]
            s_cut[t] = node_cut[first[a]]
        if tmx[t, a] - tmn[t, a] > w_t:
            w_t = tmx[t, a] - tmn[t, a]
    width[t] = w_t


@jit  # type: ignore[misc]
def _walks(
    boxes: np.ndarray,
    attr: int,
    n_alpha: int,
    model: Model,
    tree_size: int,
    reps: int,
) -> tuple[float, int, int]:
    """Every tree walked over each box (``kernel._walk``), ``reps`` times: a checksum of the
    outputs, the nodes visited and the straddling trees (once)."""
    n_trees = len(model[6])
    queue = np.empty(tree_size + 2, dtype=np.int64)
    st = _state(n_trees, n_alpha)
    check = 0.0
    for _ in range(reps):
        for i in range(len(boxes)):
            for t in range(n_trees):
                kernel._walk(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, st)
            check += st[0].sum() + st[1].sum() + st[3].sum()
    seen = 0
    straddling = 0
    for i in range(len(boxes)):
        for t in range(n_trees):
            seen += _walk_count(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue)
            kernel._walk(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, st)
            straddling += st[3][t] >= 0
    return check, seen, straddling


@jit  # type: ignore[misc]
def _joint_walks(
    boxes: np.ndarray, attr: int, n_alpha: int, model: Model, tree_size: int, reps: int
) -> int:
    """``_walk_joint`` over every tree and box, ``reps`` times; then the boxes whose walks
    differ from ``kernel._walk``'s in any output (0: the same results)."""
    n_trees = len(model[6])
    queue = np.empty(tree_size + 2, dtype=np.int64)
    first = np.empty(n_alpha, dtype=np.int64)
    st = _state(n_trees, n_alpha)
    for _ in range(reps):
        for i in range(len(boxes)):
            for t in range(n_trees):
                _walk_joint(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, first, st)
    ref = _state(n_trees, n_alpha)
    differ = 0
    for i in range(len(boxes)):
        for t in range(n_trees):
            _walk_joint(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, first, st)
            kernel._walk(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, ref)
        same = True
        for t in range(n_trees):
            rows = n_alpha if model[6][t] else 1
            for a in range(rows):
                same = same and st[0][t, a] == ref[0][t, a] and st[1][t, a] == ref[1][t, a]
            same = same and st[2][t] == ref[2][t]
            same = same and st[3][t] == ref[3][t] and st[4][t] == ref[4][t]
            same = same and st[5][t] == ref[5][t] and st[6][t] == ref[6][t]
        differ += not same
    return differ


@jit  # type: ignore[misc]
def _halves(
    boxes: np.ndarray,
    attr: int,
    n_alpha: int,
    base: float,
    eps: float,
    model: Model,
    tree_size: int,
    reps: int,
) -> tuple[int, int, int, int]:
    """Each box walked and cut, then each half's trees that split the cut feature walked
    again (``reps`` times; the kernel's halves): boxes cut, trees walked again, their nodes,
    and the outcomes computed (for ``_outcome``'s share)."""
    n_trees = len(model[6])
    n_feat = boxes.shape[2]
    queue = np.empty(tree_size + 2, dtype=np.int64)
    st = _state(n_trees, n_alpha)
    lows = np.empty(n_alpha)
    highs = np.empty(n_alpha)
    score = np.empty(n_feat)
    half = np.empty((2, n_feat), dtype=np.int64)
    n_cut = 0
    n_again = 0
    seen = 0
    outcomes = 0
    for r in range(reps):
        for i in range(len(boxes)):
            for t in range(n_trees):
                kernel._walk(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, st)
            out, f_cut, c = kernel._outcome(
                n_alpha, base, eps, model[6], st, lows, highs, score, False
            )
            outcomes += 1
            if out != kernel.CUT:
                continue
            n_cut += r == 0
            bit = np.int64(1) << f_cut
            mask = st[5].copy()
            for side in range(2):
                half[:] = boxes[i]
                half[1 - side, f_cut] = c
                for t in range(n_trees):
                    if mask[t] & bit:
                        kernel._walk(t, half[0], half[1], attr, n_alpha, model, queue, st)
                        if r == 0:
                            n_again += 1
                            seen += _walk_count(t, half[0], half[1], attr, n_alpha, model, queue)
                kernel._outcome(n_alpha, base, eps, model[6], st, lows, highs, score, False)
                outcomes += 1
    return n_cut, n_again, seen, outcomes


@jit  # type: ignore[misc]
def _outcomes(
    boxes: np.ndarray, attr: int, n_alpha: int, base: float, eps: float, model: Model, reps: int
) -> int:
    """``_outcome`` alone, ``reps`` times over each box's walks (made once per box)."""
    n_trees = len(model[6])
    n_feat = boxes.shape[2]
    queue = np.empty(4096, dtype=np.int64)
    st = _state(n_trees, n_alpha)
    lows = np.empty(n_alpha)
    highs = np.empty(n_alpha)
    score = np.empty(n_feat)
    got = 0
    for i in range(len(boxes)):
        for t in range(n_trees):
            kernel._walk(t, boxes[i, 0], boxes[i, 1], attr, n_alpha, model, queue, st)
        for _ in range(reps):
            out, f, _ = kernel._outcome(n_alpha, base, eps, model[6], st, lows, highs, score, False)
            got += out + f
    return got


@jit  # type: ignore[misc]
def _heap_ops(h_box: np.ndarray, h_m: np.ndarray, h_p: np.ndarray, n: int, reps: int) -> float:
    """A pop (the root out, the last in its place, sifted down) and a push of the same box
    (sifted up), ``reps`` times, as the kernel does them."""
    box = np.empty(h_box.shape[1:], dtype=h_box.dtype)
    s = 0.0
    for _ in range(reps):
        box[:] = h_box[0]
        m = h_m[0]
        p = h_p[0] * 0.999
        n -= 1
        h_box[0] = h_box[n]
        h_m[0] = h_m[n]
        h_p[0] = h_p[n]
        kernel._sift_down(h_box, h_m, h_p, n)
        h_box[n] = box
        h_m[n] = m
        h_p[n] = p
        n += 1
        kernel._sift_up(h_box, h_m, h_p, n - 1)
        s += m
    return s


def _cpu(f, *args):  # type: ignore[no-untyped-def]
    t0 = time.process_time()
    out = f(*args)
    return time.process_time() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--cpu", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=300_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensemble.time = types.SimpleNamespace(monotonic=time.process_time)  # type: ignore[assignment,attr-defined]
    flat = _flat(MODELS[args.model](), args.attr)
    k = _KernelArrays.of(flat)
    n_alpha = len(flat.allow)
    eps = flat.model.tie

    # the refinement's first --cpu seconds, one heap, the calls timed apart from the loop
    in_calls = [0.0]
    real = kernel.best_first

    def timed(*a):  # type: ignore[no-untyped-def]
        t0 = time.process_time()
        out = real(*a)
        in_calls[0] += time.process_time() - t0
        return out

    root = np.zeros((1, 2, flat.n_features), dtype=np.int16)
    root[0, 1] = flat.n_atoms
    heap = _Heap(
        flat,
        k,
        root,
        ensemble._mass(flat, root[:, 0].astype(np.int64), root[:, 1].astype(np.int64)),
        50,
        10**7,
    )
    warm = _Heap(flat, k, root.copy(), heap.h_m[:1].copy(), 50, 10**7)
    warm.run(time.process_time() + 0.2, 0.0, None)  # compiles (or loads) the kernel
    kernel.best_first = timed
    try:
        c0 = time.process_time()
        heap.run(c0 + args.cpu, 0.0, None)
        used = time.process_time() - c0
    finally:
        kernel.best_first = real
    print(
        f"{args.model} {args.attr}: {used:.2f} s CPU, {heap.decided:,} steps "
        f"({used / heap.decided * 1e6:.2f} us a step), {heap.n_heap:,} boxes in the heap, "
        f"width {100 * heap.left():.4f} pt; in the kernel's calls {in_calls[0]:.2f} s "
        f"({in_calls[0] / used:.1%}), between them (Python) {used - in_calls[0]:.2f} s "
        f"over {heap.steps} calls"
    )

    # the kernel from copies of that heap, a fixed number of steps
    def from_copy(max_pieces: int, per_box: int = ensemble._PER_BOX) -> tuple[float, int, int, int]:
        h_box, h_m, h_p = heap.h_box.copy(), heap.h_m.copy(), heap.h_p.copy()
        work = tuple(w.copy() for w in heap.work)
        # room to grow
        extra = args.steps * 8
        h_box = np.concatenate([h_box, np.zeros((extra, *h_box.shape[1:]), h_box.dtype)])
        h_m = np.concatenate([h_m, np.zeros(extra)])
        h_p = np.concatenate([h_p, np.zeros(extra)])
        t0 = time.process_time()
        out = real(
            h_box,
            h_m,
            h_p,
            heap.n_heap,
            k.model,
            k.tree_size,
            k.cw,
            flat.attribute,
            n_alpha,
            flat.base,
            eps,
            args.steps,
            50,
            per_box,
            k.depth,
            work,
            max_pieces,
            ensemble._SETTLE_PAIRS,
            False,
            np.zeros(n_alpha),
            ensemble._BETA,
        )
        return time.process_time() - t0, int(out[3]), int(out[7]), int(out[0]) - heap.n_heap

    runs = (
        ("kernel as is", ensemble._SETTLE_PIECES, ensemble._PER_BOX),
        ("no settle", 0, ensemble._PER_BOX),
        ("per_box 24", ensemble._SETTLE_PIECES, 24),
        ("per_box 96", ensemble._SETTLE_PIECES, 96),
        ("per_box 2", ensemble._SETTLE_PIECES, 2),
    )
    for label, pieces, per_box in runs:
        took, steps, settled, grew = from_copy(pieces, per_box)
        print(
            f"  {label:<13} {steps:,} steps in {took:.2f} s of CPU: {took / steps * 1e6:.2f} us "
            f"a step ({steps / took:,.0f} a second), {settled:,} boxes settled, heap "
            f"{grew:+,} boxes"
        )

    # the parts, on boxes of the heap drawn by mass
    n = heap.n_heap
    rng = np.random.default_rng(args.seed)
    mass = heap.h_m[:n]
    pick = rng.choice(n, size=args.sample, p=mass / mass.sum())
    boxes = heap.h_box[pick].astype(np.int64)
    reps = 5
    _walks(boxes[:2], flat.attribute, n_alpha, k.model, k.tree_size, 1)  # compile
    took, (_, seen, straddling) = _cpu(
        _walks, boxes, flat.attribute, n_alpha, k.model, k.tree_size, reps
    )
    per_box = took / (reps * len(boxes))
    print(
        f"  every tree walked over a box of the heap: {per_box * 1e6:.2f} us, "
        f"{seen / len(boxes):,.0f} nodes ({per_box / (seen / len(boxes)) * 1e9:.1f} ns a node), "
        f"{straddling / len(boxes):.1f} straddling trees of {len(flat.roots)}"
    )
    _joint_walks(boxes[:2], flat.attribute, n_alpha, k.model, k.tree_size, 1)  # compile
    took_j, differ = _cpu(_joint_walks, boxes, flat.attribute, n_alpha, k.model, k.tree_size, reps)
    took_0, _ = _cpu(_joint_walks, boxes, flat.attribute, n_alpha, k.model, k.tree_size, 0)
    print(
        f"  the same walks, every alpha at once (_walk_joint, standalone): "
        f"{(took_j - took_0) / reps / len(boxes) * 1e6:.2f} us a box, "
        f"{differ} boxes whose outputs differ from kernel._walk's"
    )
    _halves(boxes[:2], flat.attribute, n_alpha, flat.base, eps, k.model, k.tree_size, 1)
    took_h, (n_cut, again, seen_h, _) = _cpu(
        _halves, boxes, flat.attribute, n_alpha, flat.base, eps, k.model, k.tree_size, reps
    )
    half_cost = (took_h / reps - per_box * len(boxes)) / max(2 * n_cut, 1)
    print(
        f"  its cut's halves ({n_cut} of {len(boxes)} boxes cut): {again / (2 * n_cut):.1f} "
        f"trees walked again a half, {seen_h / (2 * n_cut):,.0f} nodes, "
        f"{half_cost * 1e6:.2f} us a half (walks, outcome, copies)"
    )
    _outcomes(boxes[:2], flat.attribute, n_alpha, flat.base, eps, k.model, 1)
    r_out = 50
    t_a, _ = _cpu(_outcomes, boxes, flat.attribute, n_alpha, flat.base, eps, k.model, 1)
    t_b, _ = _cpu(_outcomes, boxes, flat.attribute, n_alpha, flat.base, eps, k.model, r_out + 1)
    print(f"  _outcome: {(t_b - t_a) / (r_out * len(boxes)) * 1e6:.3f} us")
    h_box, h_m, h_p = heap.h_box.copy(), heap.h_m.copy(), heap.h_p.copy()
    _heap_ops(h_box, h_m, h_p, n, 1)
    ops = 200_000
    t_h, _ = _cpu(_heap_ops, h_box, h_m, h_p, n, ops)
    print(f"  a pop and a push at {n:,} boxes: {t_h / ops * 1e6:.3f} us")


if __name__ == "__main__":
    main()
