"""Benchmark: the exact analysis of an ensemble whose features may be missing (prints a table;
not a test).

HistGradientBoosting fitted on 3,000 rows of 4 features (``s`` 0/1, ``a`` integer 0-20, ``c``
and ``d`` fractional, each empty in 15 % of the rows), so that its splits send the missing
value with the low values in some nodes and with the high values in others.  Its exact
analysis of ``s`` is timed twice: with ``c`` and ``d`` missing in the schema (``--missing
value``: the missing atom of each), and with the same model and no missing value in the
schema (the baseline the missing case should come close to).  The table says which
refinement ran (``branch and bound``: the vectorised/compiled one; ``box by box``: when a
split sends a set of atoms that is not an interval) and the share, so a change can be
checked to keep the figures.  The compiled kernel is loaded before the first timed run.

    python bench/fairness_exact_missing.py                 # 50 and 200 trees, 120 s budget
    python bench/fairness_exact_missing.py --trees 200 --budget 60
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import flatten, refine
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees


def schema(missing: bool) -> Schema:
    return Schema(
        (
            Feature("s", "integer", 0, 1),
            Feature("a", "integer", 0, 20),
            Feature("c", "continuous", 0, 10, missing=missing),
            Feature("d", "continuous", 0, 5, missing=missing),
        ),
        protected=("s",),
    )


def fitted(n_trees: int) -> object:
    rng = np.random.default_rng(0)
    n = 3000
    x = np.column_stack(
        [rng.integers(0, 2, n), rng.integers(0, 21, n), rng.uniform(0, 10, n), rng.uniform(0, 5, n)]
    ).astype(float)
    x[rng.random(n) < 0.15, 2] = np.nan
    x[rng.random(n) < 0.15, 3] = np.nan
    score = (
        0.3 * x[:, 0]
        + 0.1 * x[:, 1]
        + 0.3 * np.nan_to_num(x[:, 2], nan=7.0)
        + 0.4 * np.nan_to_num(x[:, 3], nan=1.0)
        + rng.normal(0, 1, n)
    )
    est = HistGradientBoostingClassifier(max_iter=n_trees, early_stopping=False, random_state=0)
    return load_model(est.fit(x, (score > 4).astype(int)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trees", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args()
    print(f"exact analysis of s, HistGradientBoosting, time budget {args.budget:g} s")
    header = (
        f"{'trees':>6}  {'schema':<12}{'refinement':<18}{'status':<9}{'share %':>14}"
        f"{'time s':>9}  load average"
    )
    print(header)
    print("-" * len(header))
    warm = True
    for n_trees in args.trees:
        model = fitted(n_trees)
        arrays = read_trees(model)
        assert not isinstance(arrays, str), arrays
        if warm:  # load the compiled kernel (numba's cache) before any run is timed
            plain = compose_read(schema(False), arrays)
            assert not isinstance(plain, str), plain
            flat = flatten(build_domain(schema(False), plain), plain, 0)
            assert not isinstance(flat, str), flat
            refine(flat, deadline=float("inf"), max_steps=1)
            warm = False
        for missing in (True, False):
            sch = schema(missing)
            trees = compose_read(sch, arrays)
            assert not isinstance(trees, str), trees
            flat = flatten(build_domain(sch, trees), trees, 0)
            path = "box by box" if isinstance(flat, str) else "branch and bound"
            t0 = time.monotonic()
            result = analyse(sch, trees, "s", time_budget=args.budget)
            took = time.monotonic() - t0
            low, high = result.uniform
            share = f"{100 * low:.6f}" if low == high else f"{100 * low:.3f}-{100 * high:.3f}"
            with open("/proc/loadavg") as f:
                load = " ".join(f.read().split()[:3])
            print(
                f"{n_trees:>6}  {'missing' if missing else 'no missing':<12}{path:<18}"
                f"{result.status:<9}{share:>14}{took:>9.2f}  {load}"
            )


if __name__ == "__main__":
    main()
