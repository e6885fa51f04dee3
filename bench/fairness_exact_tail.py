"""What finishing the forest's undecided boxes costs, box by box (prints; not a test).

After ``--cpu`` seconds of CPU of the compiled refinement (one heap, the deadline on the
process's CPU clock), ``--boxes`` undecided boxes are drawn by mass, and each is refined alone
to the end (a heap of its own, at most ``--each`` seconds of CPU; ``settle``'s record of
successes carried from box to box, as one heap's is): the steps and CPU it took.
Beside it, what *counting* the box would have to look at: its grid (every straddled cut of
every feature, the cells any count over the trees' pieces enumerates when no feature can be
left out) and, with a separator of at most ``--separator`` features fixed cell by cell, the
two sides that the other features fall into when no straddling tree links them (one sweep
over the pairs: ``settle`` with a separator; ``settle`` itself is the separator of none).

``--count N``: each box of at most ``N`` grid cells is also counted cell by cell in compiled
code (``_count``), timed, and checked against the cutting's discriminatory mass.

Each box drawn by mass stands for ``1 / boxes`` of the undecided mass at its own CPU per unit
of mass, so the mean of ``cpu / mass`` times the undecided mass estimates the CPU to finish
the lot, and the draws sorted on it what the best order of the boxes would need to reach a
width (measured in ``bench/RESULTS.md``, exact51).

    python bench/fairness_exact_tail.py --cpu 20 --attr sex --boxes 120 --separator 4 --count 1e8
"""

from __future__ import annotations

import argparse
import itertools
import time
import types

import numpy as np

from assay.fairness.exact import ensemble
from assay.fairness.exact.ensemble import Flat, _Heap, _KernelArrays, refine
from assay.fairness.exact.jit import jit
from assay.fairness.exact.settle import _leaf
from fairness_exact_cpu import MODELS, _flat

Model = tuple[np.ndarray, ...]


def _straddled(
    model: Model, t: int, lo: np.ndarray, hi: np.ndarray, attr: int
) -> dict[int, set[int]]:
    """Tree ``t``'s straddled cuts inside the box ``[lo, hi)`` per feature (both sides of a
    split on the attribute followed)."""
    feat, cut, low, high = model[0], model[1], model[2], model[3]
    stack = [int(model[5][t])]
    cuts: dict[int, set[int]] = {}
    while stack:
        n = stack.pop()
        f = int(feat[n])
        if f < 0:
            continue
        if f == attr:
            stack += [int(low[n]), int(high[n])]
            continue
        c = int(cut[n])
        go_low, go_high = lo[f] < c, hi[f] > c
        if go_low:
            stack.append(int(low[n]))
        if go_high:
            stack.append(int(high[n]))
        if go_low and go_high:
            cuts.setdefault(f, set()).add(c)
    return cuts


@jit  # type: ignore[misc]
def _count(
    lo: np.ndarray,
    attr: int,
    n_alpha: int,
    eps: float,
    model: Model,
    k_a: np.ndarray,
    outside: float,
    fe: np.ndarray,
    nseg: np.ndarray,
    start: np.ndarray,
    segw: np.ndarray,
    t_ids: np.ndarray,
    stride: np.ndarray,
    last: np.ndarray,
    off: np.ndarray,
    tables: np.ndarray,
) -> float:
    """The discriminatory mass of a box by enumerating its grid (-1.0: a margin within
    ``eps`` of zero).  Level ``j`` of the grid is feature ``fe[j]``'s segments (atoms from
    ``start[j, d]``, weight ``segw[j, d]``); straddling tree ``t_ids[i]`` is tabulated over
    its own levels (``stride[i, j]``, 0 off them) from ``off[i]``, and added once its last
    level ``last[i]`` is fixed; ``k_a`` is the trees constant in the box, per alpha."""
    nf = len(fe)
    x = lo.copy()
    for i in range(len(t_ids)):
        size = 1
        for j in range(nf):
            if stride[i, j] > 0:
                size *= nseg[j]
        for p in range(size):
            rest = p
            for j in range(nf):
                if stride[i, j] > 0:
                    x[fe[j]] = start[j, rest % nseg[j]]
                    rest //= nseg[j]
            for a in range(n_alpha):
                tables[off[i] + p, a] = _leaf(t_ids[i], x, a, attr, model)
            for j in range(nf):
                x[fe[j]] = lo[fe[j]]
    s = np.empty((nf + 1, n_alpha))
    w = np.empty(nf + 1)
    s[0] = k_a
    w[0] = outside
    d = np.zeros(nf, dtype=np.int64)
    base = np.zeros(len(t_ids), dtype=np.int64)
    first = np.searchsorted(last, np.arange(nf + 1))  # the trees are in order of ``last``
    disc = 0.0
    j = 0
    while True:
        w[j + 1] = w[j] * segw[j, d[j]]
        s[j + 1] = s[j]
        for i in range(first[j], first[j + 1]):
            if j < nf - 1 or d[j] == 0:  # the innermost level: from the levels above
                idx = off[i]
                for q in range(j):
                    idx += d[q] * stride[i, q]
                base[i] = idx
            idx = base[i] + d[j] * stride[i, j]
            for a in range(n_alpha):
                s[j + 1, a] += tables[idx, a]
        if j < nf - 1:
            j += 1
            continue
        one = False
        zero = False
        for a in range(n_alpha):
            if s[nf, a] > eps:
                one = True
            elif s[nf, a] < -eps:
                zero = True
            else:
                return -1.0
        if one and zero:
            disc += w[nf]
        while j >= 0:
            d[j] += 1
            if d[j] < nseg[j]:
                break
            d[j] = 0
            j -= 1
        if j < 0:
            return disc


def _count_box(
    flat: Flat, model: Model, lo: np.ndarray, hi: np.ndarray, cuts: list[dict[int, set[int]]]
) -> tuple[float, float]:
    """``(discriminatory mass by the grid count, CPU seconds of the compiled count)``; the
    features are ordered so that the last level is the one fewest trees straddle."""
    attr, n_alpha, cw = flat.attribute, len(flat.allow), flat.cumweight
    straddling = [t for t in range(len(cuts)) if cuts[t]]
    if not straddling:
        return float("nan"), 0.0
    use: dict[int, int] = {}
    for t in straddling:
        for f in cuts[t]:
            use[f] = use.get(f, 0) + 1
    fe = np.array(sorted(use, key=lambda f: -use[f]), dtype=np.int64)
    nf = len(fe)
    every: dict[int, set[int]] = {int(f): set() for f in fe}
    for t in straddling:
        for f, c in cuts[t].items():
            every[f] |= c
    width = max((len(c) + 1 for c in every.values()), default=1)
    nseg = np.ones(nf, dtype=np.int64)
    start = np.zeros((nf, width), dtype=np.int64)
    segw = np.ones((nf, width))
    for j, f in enumerate(fe):
        edges = [int(lo[f]), *sorted(every[int(f)]), int(hi[f])]
        nseg[j] = len(edges) - 1
        start[j, : nseg[j]] = edges[:-1]
        segw[j, : nseg[j]] = np.diff(cw[f][edges])
    level = {int(f): j for j, f in enumerate(fe)}
    stride = np.zeros((len(straddling), nf), dtype=np.int64)
    last = np.full(len(straddling), -1, dtype=np.int64)
    off = np.zeros(len(straddling), dtype=np.int64)
    total = 0
    for i, t in enumerate(straddling):
        size = 1
        for j in sorted(level[f] for f in cuts[t]):
            stride[i, j] = size
            size *= int(nseg[j])
        last[i] = max(level[f] for f in cuts[t])
        off[i] = total
        total += size
    k_a = np.full(n_alpha, flat.base)
    x = lo.astype(np.int64)
    for t in range(len(cuts)):
        if not cuts[t]:
            for a in range(n_alpha):
                k_a[a] += _leaf(t, x, a, attr, model)
    outside = 1.0
    for f in range(flat.n_features):
        if f != attr and f not in every:
            outside *= float(cw[f][hi[f]] - cw[f][lo[f]])
    tables = np.empty((max(total, 1), n_alpha))
    t_ids = np.array(straddling, dtype=np.int64)
    by = np.argsort(last, kind="stable")  # ``_count`` takes the trees in order of level
    t_ids, stride, last, off = t_ids[by], stride[by], last[by], off[by]
    args = (lo.astype(np.int64), attr, n_alpha, flat.model.tie, model, k_a, outside)
    c0 = time.process_time()
    disc = _count(*args, fe, nseg, start, segw, t_ids, stride, last, off, tables)
    return float(disc), time.process_time() - c0


def _components(features: list[int], edges: list[list[int]]) -> list[list[int]]:
    """The features linked by the trees (each edge: one tree's straddled features)."""
    parent = {f: f for f in features}

    def find(f: int) -> int:
        while parent[f] != f:
            f = parent[f]
        return f

    for edge in edges:
        inside = [f for f in edge if f in parent]
        for f in inside[1:]:
            a, b = find(inside[0]), find(f)
            if a != b:
                parent[a] = b
    out: dict[int, list[int]] = {}
    for f in features:
        out.setdefault(find(f), []).append(f)
    return list(out.values())


def _count_cost(
    sep: tuple[int, ...], features: list[int], edges: list[list[int]], grid: dict[int, int]
) -> int:
    """Cells looked at by a count with the features ``sep`` fixed cell by cell: per cell of
    theirs, the pieces of two sides (the rest's linked groups, the largest first to the
    smaller side) listed once each."""
    groups = _components([f for f in features if f not in sep], edges)
    sizes = sorted((int(np.prod([grid[f] for f in g])) for g in groups), reverse=True)
    a = b = 1
    for s in sizes:
        if a <= b:
            a *= s
        else:
            b *= s
    return int(np.prod([grid[f] for f in sep])) * (a + b)


def _grid(
    model: Model, lo: np.ndarray, hi: np.ndarray, attr: int, most: int
) -> tuple[int, int, int, int, list[dict[int, set[int]]]]:
    """``(grid cells, cells with the best separator of at most most features, straddling
    trees, features straddled, each tree's straddled cuts)`` of the box."""
    cuts: dict[int, set[int]] = {}
    edges = []
    per_tree = []
    for t in range(len(model[5])):
        c = _straddled(model, t, lo, hi, attr)
        per_tree.append(c)
        if c:
            edges.append(sorted(c))
            for f, s in c.items():
                cuts.setdefault(f, set()).update(s)
    features = sorted(cuts)
    grid = {f: len(cuts[f]) + 1 for f in features}
    full = int(np.prod([grid[f] for f in features]))
    best = _count_cost((), features, edges, grid)
    for k in range(1, most + 1):
        for sep in itertools.combinations(features, k):
            best = min(best, _count_cost(sep, features, edges, grid))
    return full, best, len(edges), len(features), per_tree


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--cpu", type=float, default=20.0)
    parser.add_argument("--boxes", type=int, default=120)
    parser.add_argument("--each", type=float, default=6.0, help="CPU seconds a box at most")
    parser.add_argument("--separator", type=int, default=3, help="features fixed, at most")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--leave",
        type=float,
        default=0.0,
        help="each box refined until at most this share of its mass is undecided (0: the end)",
    )
    parser.add_argument(
        "--together", action="store_true", help="then the boxes drawn all in one heap"
    )
    parser.add_argument(
        "--count", type=float, default=0, help="count the grids of at most this many cells too"
    )
    args = parser.parse_args()
    ensemble.time = types.SimpleNamespace(monotonic=time.process_time)  # type: ignore[assignment,attr-defined]
    flat = _flat(MODELS[args.model](), args.attr)
    k = _KernelArrays.of(flat)
    refine(flat, deadline=time.process_time() + 0.5, compiled=True)  # load the kernel
    c0 = time.process_time()
    got = refine(flat, deadline=c0 + args.cpu, compiled=True, max_pool=10**7, threads=1)
    used = time.process_time() - c0
    mass = got.pend_mass
    total = float(mass.sum())
    print(
        f"{args.model} {args.attr}: {used:.1f} s CPU, width {100 * total:.4f} pt, "
        f"{len(mass):,} undecided boxes, median mass {np.median(mass):.2e}; the refinement "
        f"{got.decided / used:,.0f} steps per CPU second"
    )
    rng = np.random.default_rng(args.seed)
    pick = rng.choice(len(mass), size=args.boxes, p=mass / total)
    rows = []
    work = None
    warm = False
    for i in pick:
        lo, hi = got.pend_lo[i], got.pend_hi[i]
        box = np.stack([lo, hi])[None].astype(np.int16)
        heap = _Heap(flat, k, box, mass[i : i + 1], 50, 10**7)
        if work is None:
            work = heap.work
        heap.work = work  # one settle workspace: its rate of success carried from box to box
        t0 = time.process_time()
        heap.run(t0 + args.each, args.leave * mass[i], None)
        took = time.process_time() - t0
        left = heap.left() / mass[i]
        full, sep, n_trees, n_feat, cuts = _grid(k.model, lo, hi, flat.attribute, args.separator)
        counted, count_cpu = np.nan, np.nan
        if args.count and full <= args.count:
            if not warm:  # numba compiles the count on its first call: not timed
                _count_box(flat, k.model, lo, hi, cuts)
                warm = True
            counted, count_cpu = _count_box(flat, k.model, lo, hi, cuts)
        found = (heap.disc_mass, counted, count_cpu)
        rows.append((mass[i], took, heap.decided, left, full, sep, n_trees, n_feat, *found))
    _report(np.array(rows, dtype=float), total, args.each, args.leave)
    if args.together:
        # the same boxes (each once) in one heap: the same steps, and the CPU a box alone cost
        # was not its heap's set-up
        one = np.unique(pick)
        boxes = np.stack([got.pend_lo[one], got.pend_hi[one]], axis=1).astype(np.int16)
        heap = _Heap(flat, k, boxes, mass[one], 50, 10**7)
        t0 = time.process_time()
        heap.run(t0 + 10 * args.each, 0.0, None)
        took = time.process_time() - t0
        print(
            f"  the {len(one)} boxes in one heap: {heap.decided:,} steps in {took:.2f} s of CPU, "
            f"{heap.decided / took:,.0f} steps per CPU second, {heap.n_heap} boxes left"
        )


def _report(r: np.ndarray, total: float, each: float, leave: float) -> None:
    """The lines.  Each box drawn by mass stands for ``total / n`` of the undecided mass at
    its own CPU per unit of mass (``took / mass``): the estimates below weigh the draws so."""
    m, took, steps, left, full, sep = r[:, 0], r[:, 1], r[:, 2], r[:, 3], r[:, 4], r[:, 5]
    n = len(r)
    per = took / m  # CPU per unit of mass of each draw
    end = "the end" if leave <= 0 else f"{leave:.0%} of their mass left"
    print(
        f"{n} boxes drawn by mass: {int((left <= leave).sum())} refined to {end} within "
        f"{each:g} s each; {steps.sum() / took.sum():,.0f} steps per CPU second"
    )
    order = np.argsort(-per)
    share = np.cumsum(per[order]) / per.sum()
    for q in (0.5, 0.8, 0.9):
        k = int(np.searchsorted(share, q)) + 1
        print(f"  {q:.0%} of the CPU in the {k} costliest draws per unit of mass ({k / n:.0%})")
    heavy = order[: int(np.searchsorted(share, 0.8)) + 1]
    print(f"  those boxes: steps {steps[heavy].astype(int).tolist()}")
    print(f"    grid cells {[f'{x:.1e}' for x in full[heavy]]}")
    print(f"    with a separator {[f'{x:.1e}' for x in sep[heavy]]}")
    print(
        f"    straddling trees {r[heavy, 6].astype(int).tolist()}, features straddled "
        f"{r[heavy, 7].astype(int).tolist()}"
    )

    def q3(v: np.ndarray, fmt: str) -> str:
        return " / ".join(format(float(np.percentile(v, p)), fmt) for p in (10, 50, 90))

    print(
        f"  every box (10/50/90 %): steps {q3(steps, '.0f')}; grid cells {q3(full, '.1e')}; "
        f"with a separator {q3(sep, '.1e')}; straddling trees {q3(r[:, 6], '.0f')}, "
        f"features {q3(r[:, 7], '.0f')}"
    )
    print(
        f"  grid cells per step of cutting: "
        f"{float(np.median(full[heavy] / steps[heavy])):,.0f} (those boxes, median), "
        f"{float(np.median(full / np.maximum(steps, 1))):,.0f} (every box)"
    )
    print(f"  CPU to refine every undecided box to {end}: {total * per.mean():,.0f} s")
    # the draws cheapest per unit of mass decided first (whole boxes: the refinement may
    # take the cheap parts of a costly box first, which ``--leave`` looks at)
    decided = 1.0 - left
    by = np.argsort(per / np.maximum(decided, 1e-12))
    cheap = np.cumsum(per[by]) * total / n
    done = np.cumsum(decided[by]) / n
    for keep in (0.5, 0.9, 0.98):
        if keep > done[-1] + 1e-9:
            continue
        k = int(np.searchsorted(done, keep - 1e-9)) + 1
        print(
            f"  to decide {keep:.0%} of it (width {100 * total * (1 - keep):.2f} pt), the "
            f"cheapest boxes per unit of mass first: {cheap[k - 1]:,.0f} s of CPU"
        )
    counted = ~np.isnan(r[:, 10])
    if counted.any():
        c_disc, c_cpu = r[counted, 9], r[counted, 10]
        gave_up = c_disc < 0
        ok = ~gave_up
        agree = np.abs(c_disc[ok] - r[counted, 8][ok]) <= 1e-9 * m[counted][ok] + 1e-15
        checked = f"{int(agree.sum())} of {int(ok.sum())}" if leave <= 0 else "(not checked)"
        ns = 1e9 * c_cpu[ok].sum() / full[counted][ok].sum()
        both = took[counted][ok]
        per_m = 1.0 / m[counted][ok]  # each draw at its CPU per unit of mass, as below
        print(
            f"  the grid counted (compiled) in {int(counted.sum())} boxes: gave up (a margin "
            f"within eps) in {int(gave_up.sum())}; the count equals the cutting's "
            f"discriminatory mass in {checked}; "
            f"{ns:.1f} ns a cell; CPU {c_cpu[ok].sum():.3f} s against cutting's "
            f"{both.sum():.3f} s on the same boxes; each the cheaper: "
            f"{(both * per_m).sum() / (np.minimum(both, c_cpu[ok]) * per_m).sum():.2f}x less"
        )
    for ns in (10, 30):
        for name, cells in (("the grid", full), ("with a separator", sep)):
            best = np.minimum(took, cells * ns * 1e-9) / m
            print(
                f"  each box the cheaper of cutting and counting {name} at {ns} ns a cell: "
                f"{per.sum() / best.sum():.2f}x less CPU"
            )


if __name__ == "__main__":
    main()
