"""Benchmark matrix of the IDI search strategies (prints tables; not a test).

Cells: Adult (13 integers), German credit and COMPAS x decision tree, random forest
(100 trees), gradient boosting (HistGradientBoosting, native categoricals), logistic
regression and MLP (one-hot + scaler) x each data set's protected attributes.  Every model is
trained on all rows of its data set (encoded: category codes), and every strategy starts from
the encoded real rows with the same query budget, through ``BudgetedModel`` as
``assay fairness`` runs them (inline calls: every strategy alike).

Per cell and strategy: IDIs per 1,000 queries, IDIs per wall-clock second and the success rate
(IDIs per class evaluated), each the median of the seeds; and the ratio of the default
strategy's IDIs per 1,000 queries to the best other strategy's.  Per-query figures do not
depend on the machine; wall-clock figures do (the machine may be shared: they are noisy).

    python bench/fairness_matrix.py              # 3 seeds, 10,000 queries per run
    python bench/fairness_matrix.py --quick      # 1 seed, 3,000 queries, fewer strategies
    python bench/fairness_matrix.py --strategies walk,walk:queries,aequitas-full

"walk:queries" is the default strategy pinned to its query-efficient mode; the default itself
runs in its automatic mode (which measures the model).  The ratio compares the default
(automatic) with the best strategy that is not the default in any mode.
    python bench/fairness_matrix.py --data german --models rf,mlp --queries 20000
    python bench/fairness_matrix.py --cache bench/matrix-cache.jsonl   # baselines kept
    python bench/fairness_matrix.py --seconds 3 --seeds 1   # per second: same wall-clock budget

With ``--seconds S`` every run gets S seconds of wall clock and no query budget (the default
then runs as it would on a long run), and the ratio compares IDIs per wall-clock second (a run
that ends early, out of inputs, is counted over the whole S seconds: what it found in them).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.calls import CallTimeout
from assay.core.model import Capabilities
from assay.core.rng import generator
from assay.datasets import load_dataset
from assay.errors import BudgetExhausted
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY, STRATEGIES, make_search

PROTECTED = {"adult": ("sex", "race", "age"), "german": ("sex", "age"), "compas": ("race", "sex")}
MODELS = ("dt", "rf", "hgb", "lr", "mlp")


class Encoded:
    """A scikit-learn estimator trained on encoded rows, as a black-box Model."""

    def __init__(self, est: Any) -> None:
        self.est = est
        self.capabilities = Capabilities(modality="tabular", n_classes=2, outputs="proba")

    def predict(self, inputs: Any, /) -> np.ndarray:
        return np.asarray(self.est.predict_proba(np.asarray(inputs, dtype=np.float64)))


def train(kind: str, schema: Schema, x: np.ndarray, y: np.ndarray) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    cat = [j for j, f in enumerate(schema.features) if f.kind == "categorical"]
    num = [j for j in range(len(schema)) if j not in cat]
    if kind == "dt":
        return DecisionTreeClassifier(random_state=0).fit(x, y)
    if kind == "rf":
        return RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(x, y)
    if kind == "hgb":
        mask = np.zeros(len(schema), dtype=bool)
        mask[cat] = True
        hgb = HistGradientBoostingClassifier(
            random_state=0, categorical_features=mask if cat else None
        )
        return hgb.fit(x, y)
    cats = [np.arange(schema.features[j].n_values or 1) for j in cat]
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(categories=cats, handle_unknown="ignore"), cat),
            ("num", StandardScaler(), num),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "lr":
            return make_pipeline(pre, LogisticRegression(max_iter=1000)).fit(x, y)
        mlp = MLPClassifier((32, 16), random_state=0, max_iter=300)
        return make_pipeline(pre, mlp).fit(x, y)


@dataclass
class Run:
    idis: int
    queries: int
    wall: float
    generated: int
    stop: str | None

    @property
    def per_1000(self) -> float:
        return 1000 * self.idis / self.queries if self.queries else 0.0

    @property
    def per_second(self) -> float:
        return self.idis / self.wall if self.wall > 0 else 0.0

    @property
    def success(self) -> float:
        return self.idis / self.generated if self.generated else 0.0


def run_one(
    strategy: str,
    schema: Schema,
    model: Encoded,
    data: np.ndarray,
    queries: int | None,
    seed: int,
    options: dict[str, Any],
    seconds: float | None = None,
) -> Run:
    budgeted = BudgetedModel(model, max_queries=queries, max_time=seconds)
    search = make_search(
        strategy, schema=schema, model=budgeted, rng=generator(seed), data=data, **options
    )
    t0 = time.perf_counter()
    try:
        while not search.done:
            search.step()
    except (BudgetExhausted, CallTimeout):  # CallTimeout: a call cut by the time budget
        pass
    with contextlib.suppress(BudgetExhausted, CallTimeout):  # the round in flight, if cut
        search.flush()
    wall = time.perf_counter() - t0
    if seconds:  # a run that ends early found what it found in the budget
        wall = max(wall, seconds)
    s = search.summary()
    stop = getattr(search, "stop_reason", None)
    return Run(s["idis"], s["queries"], wall, s["generated"], stop)


class Cache:
    """Runs of the baselines (every strategy but the default), one JSON line each, keyed by
    cell, strategy, seed and budget: the default can be re-measured against baselines run
    earlier on the same code (``--cache``).  The default is never cached."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self.runs: dict[str, Run] = {}
        if self.path is not None and self.path.exists():
            for line in self.path.read_text().splitlines():
                if line.strip():
                    rec = json.loads(line)
                    key = rec.pop("key")
                    self.runs[key] = Run(**rec)

    def get(self, key: str) -> Run | None:
        return None if key.startswith(DEFAULT_STRATEGY) else self.runs.get(key)

    def put(self, key: str, run: Run) -> Run:
        if self.path is not None and not key.startswith(DEFAULT_STRATEGY):
            self.runs[key] = run
            with self.path.open("a") as out:
                out.write(json.dumps({"key": key, **asdict(run)}) + "\n")
        return run


def ceiling(schema: Schema, est: Any, data: np.ndarray, queries: int) -> tuple[float, float]:
    """For a binary protected attribute: the IDIs per 1,000 queries that a search starting
    from the real rows can expect at most, and the share of real rows that are IDIs.

    Every IDI costs its two rows, so 500 is the bound when every query lands on an IDI; before
    its first IDI a search has nothing to go on but the rows, drawn without replacement: with
    ``m`` IDIs among ``n`` distinct rows it expects ``(n - m) / (m + 1)`` pairs that are not
    IDIs first.  The ceiling is ``1000 (queries - 2 E) / (2 queries)``.
    """
    (pj,) = schema.protected_indices
    free = np.unique(np.delete(np.asarray(data, dtype=np.float64), pj, axis=1), axis=0)
    rows = np.insert(free, pj, 0.0, axis=1)
    outs = []
    for value in schema.protected_combinations()[:, 0]:
        rows[:, pj] = value
        outs.append(np.asarray(est.predict(rows)))
    m = int((np.stack(outs) != outs[0]).any(axis=0).sum())
    n = len(free)
    misses = (n - m) / (m + 1)
    return 1000 * max(queries - 2 * misses, 0.0) / (2 * queries), m / n


def med(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 seed, 3,000 queries")
    ap.add_argument("--queries", type=int, default=None, help="query budget per run")
    ap.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="wall-clock budget per run instead of a query budget (ratios per second)",
    )
    ap.add_argument("--seeds", type=int, default=None, help="seeds per strategy (default 3)")
    ap.add_argument("--data", default="adult,german,compas")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument(
        "--strategies",
        default="",
        help="comma-separated; name:mode pins the default's mode (walk:queries); default: "
        "all (quick: walk, walk:queries, random, aequitas-full, expga)",
    )
    ap.add_argument(
        "--optimize", default="auto", choices=["auto", "queries", "time"], help="default's mode"
    )
    ap.add_argument(
        "--cache",
        default=None,
        help="JSON-lines file of baseline runs (read, and appended to): the default strategy "
        "is always run afresh",
    )
    ap.add_argument(
        "--only-cached",
        action="store_true",
        help="with --cache: skip the cells whose baselines are not all in the cache",
    )
    args = ap.parse_args(argv)
    cache = Cache(args.cache)
    seconds: float | None = args.seconds
    queries = args.queries or (3_000 if args.quick else 10_000)
    budget = f"{seconds:g}s" if seconds else str(queries)
    per_what = "IDIs per wall-clock second" if seconds else "IDIs per 1,000 queries"
    n_seeds = args.seeds or (1 if args.quick else 3)
    default_list = "walk,walk:queries,random,aequitas-full,expga" if args.quick else None
    given_list = args.strategies if args.strategies else default_list
    strategies = [s for s in (given_list or ",".join(STRATEGIES)).split(",") if s]
    if DEFAULT_STRATEGY not in strategies:
        strategies.insert(0, DEFAULT_STRATEGY)
    print(f"# fairness strategy matrix ({time.strftime('%Y-%m-%d %H:%M:%S')})")
    given = sys.argv[1:] if argv is None else list(argv)
    print(f"command: python bench/fairness_matrix.py {' '.join(given)}")
    print(
        (f"{seconds:g} s of wall clock" if seconds else f"{queries:,} queries")
        + f" per run, seeds {', '.join(str(s) for s in range(1, n_seeds + 1))}, "
        f"medians; default strategy {DEFAULT_STRATEGY!r} (optimize={args.optimize}); "
        "wall-clock figures are noisy on a shared machine, per-query figures are not"
    )
    ratios: list[tuple[str, float]] = []
    ceilings: dict[str, float] = {}
    skipped: list[str] = []
    for name in args.data.split(","):
        ds = load_dataset(name)
        for kind in args.models.split(","):
            est = train(kind, ds.schema, ds.X, ds.target)
            model = Encoded(est)
            for attr in PROTECTED[name]:
                schema = ds.schema.with_protected((attr,))
                k = len(schema.protected_combinations())
                cell = f"{name} {kind} {attr} (K={k})"
                if args.only_cached and not all(
                    cache.get(f"{st}|{name}|{kind}|{attr}|{seed}|{budget}") is not None
                    for st in strategies
                    if st.partition(":")[0] != DEFAULT_STRATEGY
                    for seed in range(1, n_seeds + 1)
                ):
                    skipped.append(cell)
                    continue
                print(f"\n## {cell}")
                print(f"{'strategy':<16}{'IDI/1000q':>10}{'IDIs/s':>10}{'success':>9}  runs")
                per: dict[str, float] = {}
                for strategy in strategies:
                    opts: dict[str, Any] = {}
                    if strategy == DEFAULT_STRATEGY and args.optimize != "auto":
                        opts["optimize"] = args.optimize
                    name_, _, mode = strategy.partition(":")  # e.g. walk:queries
                    if mode:
                        opts["optimize"] = mode
                    runs = []
                    for seed in range(1, n_seeds + 1):
                        key = f"{strategy}|{name}|{kind}|{attr}|{seed}|{budget}"
                        run = cache.get(key)
                        if run is None:
                            run = run_one(
                                name_,
                                schema,
                                model,
                                ds.X,
                                None if seconds else queries,
                                seed,
                                opts,
                                seconds,
                            )
                            cache.put(key, run)
                        runs.append(run)
                    per[strategy] = med([r.per_second if seconds else r.per_1000 for r in runs])
                    stops = {r.stop for r in runs if r.stop}
                    print(
                        f"{strategy:<16}{med([r.per_1000 for r in runs]):>10.1f}"
                        f"{med([r.per_second for r in runs]):>10,.0f}"
                        f"{100 * med([r.success for r in runs]):>8.1f}%  "
                        + " ".join(f"{r.per_1000:.0f}" for r in runs)
                        + (f"  stopped: {', '.join(sorted(stops))}" if stops else "")
                    )
                    sys.stdout.flush()
                others = {s: v for s, v in per.items() if s.partition(":")[0] != DEFAULT_STRATEGY}
                if others:
                    best = max(others, key=lambda s: others[s])
                    ratio = per[DEFAULT_STRATEGY] / others[best] if others[best] else float("inf")
                    ratios.append((cell, ratio))
                    unit = "per second" if seconds else "per query"
                    print(f"default / best other ({best}) {unit}: {ratio:.2f}x")
                    if k == 2 and others[best] and not seconds:
                        top, share = ceiling(schema, est, ds.X, queries)
                        ceilings[cell] = top / others[best]
                        print(
                            f"ceiling from the real rows ({100 * share:.1f} % of them IDIs): "
                            f"{top:.1f} per 1,000 queries, {ceilings[cell]:.3f}x the best other"
                        )
    if ratios:
        print(f"\n## Ratio of the default to the best other strategy, {per_what}")
        for cell, ratio in ratios:
            top = f"  (ceiling {ceilings[cell]:.3f}x)" if cell in ceilings else ""
            print(f"{cell:<34}{ratio:>7.2f}x{'' if ratio >= 1.2 else '  (< 1.2x)'}{top}")
        low = min(ratios, key=lambda c: c[1])
        print(
            f"minimum: {low[1]:.2f}x ({low[0]}); cells >= 1.2x: "
            f"{sum(r >= 1.2 for _, r in ratios)}/{len(ratios)}"
        )
        short = [c for c, r in ratios if r < 1.2 and ceilings.get(c, 2.0) < 1.2]
        if short:
            print(
                f"below 1.2x where no search from the real rows can expect 1.2x: {'; '.join(short)}"
            )
    if skipped:
        print(f"\nnot run (baselines not in the cache): {'; '.join(skipped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
