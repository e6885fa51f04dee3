"""Why the certain bounds on the Adult ensembles stop short of 0.1 points (prints; not a test).

For ``RandomForestClassifier(n_estimators=50, max_depth=8)`` and
``GradientBoostingClassifier(n_estimators=100, max_depth=3)`` (the models of
``bench/fairness_exact.py``), attribute ``sex``:

1. **scaling**: the width of the certain bounds after a growing number of refinement steps,
   against the CPU seconds they took (CPU, not wall clock: the machine is shared), with the
   power law ``width = c * cpu^-k`` fitted on the last three points and the CPU it predicts
   for 0.1 points;
2. **what tighter bounds could gain**: a mass-weighted sample of the boxes left undecided, each
   settled exactly by following every *piece* of it down the trees (the box cut at every split
   it straddles: inside a piece every tree gives one leaf per value of the attribute).  A box
   is *mixed* when it holds discriminatory and clean pieces: no bound on the margin settles it,
   only cutting it does.  A box is *settled by exact intervals* when the true least and largest
   margins per value (the best any per-box bound can give: tree merging, LP, joint bounds on
   the pair) would settle it.  That share is the most a tighter bound could remove per step;
3. **enumeration**: the pieces left in the undecided boxes, which exact settling by enumeration
   would have to follow down the trees;
4. **the compiled refinement** (``kernel.best_first``, with numba): the same scaling, by calls
   of the kernel (50,000 boxes decided each), against the vectorised loop's CPU seconds.

    python bench/fairness_exact_limits.py           # about 1 minute of CPU per model
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from assay.datasets import load_dataset
from assay.fairness.exact import compose, kernel
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import Flat, _cell_margins, _reach, flatten, refine
from assay.models import load_model
from assay.models.trees import read_trees

_EPS = 1e-9


def _flat(estimator: Any, attribute: str) -> Flat:
    ds = load_dataset("adult")
    x, y = ds.X, np.asarray(ds.target).astype(int)
    estimator.fit(x, y)
    arrays = read_trees(load_model(estimator))
    assert not isinstance(arrays, str), arrays
    schema = ds.schema.with_protected([attribute])
    trees = compose(
        schema,
        arrays.trees,
        combine=arrays.combine,
        base=arrays.base,
        scale=arrays.scale,
        cut=arrays.cut,
        source=arrays.source,
    )
    assert not isinstance(trees, str), trees
    flat = flatten(build_domain(schema, trees), trees, schema.index(attribute))
    assert not isinstance(flat, str), flat
    return flat


def _pieces(flat: Flat, lo: np.ndarray, hi: np.ndarray) -> list[list[np.ndarray]]:
    """Per box, per feature: the first atoms of its pieces (the box cut at every straddled
    split's cut)."""
    reach = _reach(flat, lo, hi)
    straddled = reach[:, flat.split_left] & reach[:, flat.split_right]
    out = []
    for i in range(len(lo)):
        feats, cuts = flat.split_feature[straddled[i]], flat.split_cut[straddled[i]]
        starts = []
        for j in range(flat.n_features):
            if j == flat.attribute:
                starts.append(np.zeros(1, dtype=np.int64))
            else:
                starts.append(np.unique(np.concatenate([[lo[i, j]], cuts[feats == j]])))
        out.append(starts)
    return out


def _compiled(flat: Flat, calls: tuple[int, ...], cpus: list[float], widths: list[float]) -> None:
    """The compiled refinement's width against CPU, and the vectorised loop's width at the same
    CPU (interpolated on its power law; the ratio: how much narrower)."""
    refine(flat, deadline=float("inf"), max_steps=1, compiled=True)  # compiled once (cached)
    k_vec, c_vec = np.polyfit(np.log(cpus[-3:]), np.log(widths[-3:]), 1)
    c_cpus, c_widths = [], []
    for n in calls:
        c0 = time.process_time()
        got = refine(flat, deadline=float("inf"), max_steps=n, compiled=True, max_pool=10**7)
        cpu = time.process_time() - c0
        width = float(got.pend_mass.sum())
        c_cpus.append(cpu)
        c_widths.append(width)
        vec = float(np.exp(c_vec) * cpu**k_vec)
        print(
            f"  compiled {n:>4} calls, {got.decided:>10,} boxes decided, {cpu:6.2f} s CPU: "
            f"certain bounds {100 * got.disc_mass:.3f} - {100 * (got.disc_mass + width):.3f} %, "
            f"width {100 * width:.3f} points ({len(got.pend_mass):,} boxes undecided); the "
            f"vectorised loop at this CPU (its fit): {100 * vec:.2f} points, {vec / width:.1f}x"
        )
    k, _ = np.polyfit(np.log(c_cpus[-3:]), np.log(c_widths[-3:]), 1)
    need = c_cpus[-1] * (c_widths[-1] / 0.001) ** (1 / -k) if k < 0 else float("inf")
    print(
        f"  compiled fit: width ~ cpu^{k:.2f}; 0.1 points would take about {need:,.0f} s of CPU "
        "(extrapolated)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=300, help="undecided boxes to settle")
    parser.add_argument("--max-pieces", type=float, default=20_000)
    args = parser.parse_args()
    models = {
        "boosting-100x3": (
            GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
            (50, 100, 200, 400),
            (4, 16, 64, 128),
        ),
        "forest-50x8": (
            RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0),
            (25, 50, 100, 200),
            (4, 16, 48),
        ),
    }
    rng = np.random.default_rng(0)
    for name, (estimator, step_counts, call_counts) in models.items():
        flat = _flat(estimator, "sex")
        print(f"\n{name}, sex: {len(flat.roots)} trees, {len(flat.leaf_node):,} leaf slots")
        cpus, widths = [], []
        got = None
        for steps in step_counts:
            c0 = time.process_time()
            got = refine(flat, deadline=float("inf"), max_steps=steps, compiled=False)
            cpu = time.process_time() - c0
            width = float(got.pend_mass.sum())
            cpus.append(cpu)
            widths.append(width)
            print(
                f"  {steps:>4} steps, {cpu:6.2f} s CPU: certain bounds "
                f"{100 * got.disc_mass:.3f} - {100 * (got.disc_mass + width):.3f} %, width "
                f"{100 * width:.3f} points, {len(got.pend_mass):,} boxes undecided"
            )
        # the later points: the rate slows as the boxes left get harder
        k, _ = np.polyfit(np.log(cpus[-3:]), np.log(widths[-3:]), 1)
        need = cpus[-1] * (widths[-1] / 0.001) ** (1 / -k) if k < 0 else float("inf")
        print(
            f"  fit: width ~ cpu^{k:.2f}; 0.1 points would take about {need:,.0f} s of CPU "
            "at this rate (extrapolated)"
        )
        assert got is not None
        if kernel.COMPILED:
            _compiled(flat, call_counts, cpus, widths)
        else:
            print("  (numba not installed: the compiled refinement is not measured)")
        mass = got.pend_mass
        pick = rng.choice(len(mass), size=min(args.sample, len(mass)), p=mass / mass.sum())
        lo, hi = got.pend_lo[pick], got.pend_hi[pick]
        starts = _pieces(flat, lo, hi)
        counts = np.array([np.prod([float(len(s)) for s in box]) for box in starts])
        kinds = {"mixed": 0, "clean": 0, "discriminatory": 0, "settled by exact intervals": 0}
        settled = 0
        for i, box in enumerate(starts):
            if counts[i] > args.max_pieces:
                continue
            settled += 1
            grid = np.indices([len(s) for s in box]).reshape(flat.n_features, -1)
            cells = np.stack([box[j][grid[j]] for j in range(flat.n_features)], axis=1)
            margins, _ = _cell_margins(flat, cells)
            classes = margins > 0
            disc = classes.any(axis=1) & ~classes.all(axis=1)
            kind = "mixed" if disc.any() and not disc.all() else "discriminatory"
            kinds[kind if disc.any() else "clean"] += 1
            low, high = margins.min(axis=0), margins.max(axis=0)
            sure1, sure0 = low > _EPS, high < -_EPS
            if (sure1.any() and sure0.any()) or sure1.all() or sure0.all():
                kinds["settled by exact intervals"] += 1
        print(
            f"  undecided pieces: median {np.median(counts):,.0f} per box (sample of "
            f"{len(pick)}, by mass); est. {np.mean(counts) * len(mass):.3g} in all"
        )
        if settled:
            print(
                f"  of {settled} sampled boxes with <= {args.max_pieces:,.0f} pieces, settled by "
                "enumeration: "
                + ", ".join(f"{key} {100 * v / settled:.0f} %" for key, v in kinds.items())
            )
            best = 100 * kinds["settled by exact intervals"] / settled
            print(
                "  (the bounds' own interval straddles zero for all of them; interval bounds as "
                f"tight as the truth would settle {best:.0f} % of them; only cutting settles the "
                "mixed ones)"
            )
        else:
            print(f"  no sampled box has <= {args.max_pieces:,.0f} pieces: none enumerated")


if __name__ == "__main__":
    main()
