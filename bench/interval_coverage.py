"""How often assay's "95 %" intervals hold the true share: Wilson's (with the exact bound at
1-3 successes or failures, assay's before the forty-fourth session) against Clopper-Pearson's
(assay's since), for a share estimated from n i.i.d. inputs.

Two measures:

- ``--exact`` (default): exact binomial sums.  The coverage at a share p is the probability
  of the k whose interval holds p; its minimum over p (a grid of 20,001 shares, log grids at
  both ends and every interval's ends, where coverage jumps) is what "95 %" promises for
  every share; its mean over the grid is what it gives on average.
- ``--sequential``: through assay's own ``estimate_share`` (the estimate phase, which stops
  on its interval's half-width), over many seeds, for a model whose discriminatory share is
  known exactly, under a query budget (``--budget``; 14 queries: 7 inputs).  Run it with
  ``PYTHONPATH`` on a checkout before and after to compare.

    python bench/interval_coverage.py
    python bench/interval_coverage.py --sequential --budget 1000 --seeds 400
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

import numpy as np

Interval = Callable[[int, int], tuple[float, float]]


def _pmf(n: int, p: np.ndarray) -> np.ndarray:
    """Binomial probabilities of k = 0..n (rows) at each share of ``p`` (columns)."""
    k = np.arange(n + 1, dtype=np.float64)[:, None]
    log_choose = np.array(
        [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in range(n + 1)]
    )[:, None]
    with np.errstate(divide="ignore"):
        logs = log_choose + k * np.log(p)[None, :] + (n - k) * np.log1p(-p)[None, :]
    out: np.ndarray = np.exp(logs)
    return out


def coverage(interval: Interval, n: int) -> tuple[float, float, float, float]:
    """(min coverage, the share where it is, mean coverage, mean width) over every share."""
    bounds = np.array([interval(k, n) for k in range(n + 1)])
    ends = bounds.ravel()
    ends = ends[(ends > 0) & (ends < 1)]
    p = np.concatenate(
        [
            np.linspace(1e-6, 1 - 1e-6, 20_001),
            np.logspace(-7, -1, 2_000),
            1 - np.logspace(-7, -1, 2_000),
            ends * (1 + 1e-9),
            ends * (1 - 1e-9),
        ]
    )
    p = np.unique(p[(p > 0) & (p < 1)])
    held = (bounds[:, :1] <= p[None, :]) & (p[None, :] <= bounds[:, 1:])
    cov = (_pmf(n, p) * held).sum(axis=0)
    grid = np.linspace(1e-6, 1 - 1e-6, 20_001)
    mean = float(
        ((_pmf(n, grid) * ((bounds[:, :1] <= grid) & (grid <= bounds[:, 1:]))).sum(0)).mean()
    )
    width = float((_pmf(n, grid) * (bounds[:, 1:] - bounds[:, :1])).sum(0).mean())
    i = int(cov.argmin())
    return float(cov[i]), float(p[i]), mean, width


def exact_table(ns: list[int]) -> None:
    from assay.fairness.estimate import clopper_pearson, wilson_interval

    print(
        "n | Wilson (as before): min coverage (at share), mean, mean width | "
        "Clopper-Pearson: min coverage (at share), mean, mean width"
    )
    for n in ns:
        w = coverage(wilson_interval, n)
        c = coverage(clopper_pearson, n)
        print(
            f"{n} | {w[0]:.3f} ({w[1]:.4g}), {w[2]:.3f}, {w[3]:.4f} | "
            f"{c[0]:.3f} ({c[1]:.4g}), {c[2]:.3f}, {c[3]:.4f} (x{c[3] / w[3]:.2f})",
            flush=True,
        )


def sequential(budget: int, seeds: int, shares: list[float]) -> None:
    from assay.core.budget import BudgetedModel
    from assay.core.model import Capabilities
    from assay.fairness.estimate import estimate_share
    from assay.fairness.schema import Schema
    from assay.models.callable import CallableModel

    schema = Schema.from_json(
        {
            "features": [
                {"name": "a", "kind": "integer", "low": 0, "high": 99_999},
                {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
            ],
            "protected": ["sex"],
        }
    )
    caps = Capabilities(modality="tabular", n_classes=2, outputs="labels")
    for share in shares:
        cut = round(share * 100_000)

        def f(x: np.ndarray, cut: int = cut) -> np.ndarray:
            x = np.asarray(x, float)
            return ((x[:, 0] < cut) & (x[:, 1] == 1)).astype(int)

        held, sizes = 0, []
        for seed in range(seeds):
            model = BudgetedModel(CallableModel(f, caps), max_queries=budget)
            e = estimate_share(schema, model, np.random.default_rng(seed))
            held += e.low <= cut / 100_000 <= e.high
            sizes.append(e.sampled)
        print(
            f"share {cut / 1000:g} %, budget {budget:,}: held {held}/{seeds} = "
            f"{held / seeds:.3f}; inputs sampled (median) {int(np.median(sizes)):,}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sequential", action="store_true")
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=400)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0017, 0.03, 0.3, 0.5])
    parser.add_argument(
        "--n", type=int, nargs="+", default=[3, 5, 7, 10, 20, 50, 100, 500, 1000, 2000]
    )
    args = parser.parse_args()
    if args.sequential:
        sequential(args.budget, args.seeds, args.shares)
    else:
        exact_table(args.n)


if __name__ == "__main__":
    main()
