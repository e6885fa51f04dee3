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

The sample is drawn by mass, so ``sum(cpu) / sum(mass)`` over it estimates the CPU per unit
of undecided mass of the whole heap, and the lines say where that CPU goes.

    python bench/fairness_exact_tail.py --cpu 20 --attr sex --boxes 120
"""

from __future__ import annotations

import argparse
import itertools
import time
import types

import numpy as np

from assay.fairness.exact import ensemble
from assay.fairness.exact.ensemble import _Heap, _KernelArrays, refine
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
) -> tuple[int, int, int, int]:
    """``(grid cells, cells with the best separator of at most most features, straddling
    trees, features straddled)`` of the box."""
    cuts: dict[int, set[int]] = {}
    edges = []
    for t in range(len(model[5])):
        c = _straddled(model, t, lo, hi, attr)
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
    return full, best, len(edges), len(features)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="forest", choices=sorted(MODELS))
    parser.add_argument("--attr", default="sex")
    parser.add_argument("--cpu", type=float, default=20.0)
    parser.add_argument("--boxes", type=int, default=120)
    parser.add_argument("--each", type=float, default=6.0, help="CPU seconds a box at most")
    parser.add_argument("--separator", type=int, default=3, help="features fixed, at most")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensemble.time = types.SimpleNamespace(monotonic=time.process_time)  # type: ignore[assignment,attr-defined]
    flat = _flat(MODELS[args.model](), args.attr)
    k = _KernelArrays.of(flat)
    refine(flat, deadline=time.process_time() + 0.5, compiled=True)  # load the kernel
    c0 = time.process_time()
    got = refine(flat, deadline=c0 + args.cpu, compiled=True, max_pool=10**7, threads=1)
    mass = got.pend_mass
    total = float(mass.sum())
    print(
        f"{args.model} {args.attr}: {time.process_time() - c0:.1f} s CPU, width "
        f"{100 * total:.4f} pt, {len(mass):,} undecided boxes, median mass {np.median(mass):.2e}"
    )
    rng = np.random.default_rng(args.seed)
    pick = rng.choice(len(mass), size=args.boxes, p=mass / total)
    rows = []
    work = None
    for i in pick:
        lo, hi = got.pend_lo[i], got.pend_hi[i]
        box = np.stack([lo, hi])[None].astype(np.int16)
        heap = _Heap(flat, k, box, mass[i : i + 1], 50, 10**7)
        if work is None:
            work = heap.work
        heap.work = work  # one settle workspace: its rate of success carried from box to box
        t0 = time.process_time()
        heap.run(t0 + args.each, 0.0, None)
        took = time.process_time() - t0
        left = heap.left() / mass[i]
        full, sep, n_trees, n_feat = _grid(k.model, lo, hi, flat.attribute, args.separator)
        rows.append((mass[i], took, heap.decided, left, full, sep, n_trees, n_feat))
    _report(np.array(rows, dtype=float), total, args.each)


def _report(r: np.ndarray, total: float, each: float) -> None:
    """The lines.  Each box drawn by mass stands for ``total / n`` of the undecided mass at
    its own CPU per unit of mass (``took / mass``): the estimates below weigh the draws so."""
    m, took, steps, left, full, sep = r[:, 0], r[:, 1], r[:, 2], r[:, 3], r[:, 4], r[:, 5]
    n = len(r)
    per = took / m  # CPU per unit of mass of each draw
    print(
        f"{n} boxes drawn by mass: {int((left == 0).sum())} refined to the end within "
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
    print(f"  CPU to refine every undecided box to the end: {total * per.mean():,.0f} s")
    # the draws cheapest per unit of mass first: no order of the heap does better with
    # cutting as it is inside each box
    cheap = np.cumsum(np.sort(per)) * total / n
    for keep in (0.5, 0.9, 0.98):
        k = int(np.ceil(keep * n))
        print(
            f"  to decide {keep:.0%} of it (width {100 * total * (1 - keep):.2f} pt), the "
            f"cheapest boxes per unit of mass first: {cheap[k - 1]:,.0f} s of CPU"
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
