"""Benchmark of the IDI search strategies on Adult (prints tables; not a test).

Every strategy runs for the same wall time on the same model, through
``BudgetedModel(EncodedModel(...))`` as ``assay fairness`` runs them, starting from the real
Adult rows.  The default strategy calls the model on a background thread (``ThreadCaller``, as
the CLI does); the baselines, which never have a round in flight, call it inline (their best),
and the default is also run inline for comparison.
Findings are spooled to a temporary file during the run (the time that takes is charged to the
search) and every one is re-checked against the model with a direct call after the run.

    python bench/fairness.py                 # 60 s per strategy on the main table
    python bench/fairness.py --quick         # 5 s per strategy, smaller memory phase
    python bench/fairness.py --seconds 20 --other-seconds 10
    python bench/fairness.py --only run --seconds 60   # one full run: wall-clock figures
    python bench/fairness.py --only cpu                # CPU per IDI (search, checkpoints)
    python bench/fairness.py --only continuous --seconds 10   # Adult's numbers continuous

Tables: decision tree (protected sex, then race with 5 values, then age with 9 bands) and an
MLP (protected sex); then a memory phase that runs the default strategy until 10 million
unique inputs were evaluated, in a fresh process, and reports its peak RSS; then a full run
as a user makes it (``check_fairness`` with default options and the reports), in a fresh
process: IDIs per wall-clock second from the run's start (the search phase's own rate is
printed too, labelled), the time over --max-time, store bytes per IDI and peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.findings import FindingBatch
from assay.core.hashset import KeyIndex
from assay.core.keys import row_keys
from assay.core.model import Model, labels_of
from assay.core.rng import generator
from assay.datasets import load_dataset
from assay.errors import BudgetExhausted
from assay.execution import ThreadCaller
from assay.fairness.encoded import EncodedModel
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY, STRATEGIES, make_search
from assay.models.sklearn import from_sklearn

MB = 1024 * 1024
DISTINCT_CHECK = 2_000_000  # findings checked for distinct classes (the rest: outputs only)


class Spool:
    """Findings (inputs and outputs) written to a temporary file, read back after the run."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile()  # noqa: SIM115 (closed by batches())

    def add(self, batches: Sequence[FindingBatch]) -> None:
        for b in batches:
            np.save(self._fh, b.inputs)
            np.save(self._fh, b.outputs)

    def batches(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        end = self._fh.tell()
        self._fh.seek(0)
        while self._fh.tell() < end:
            yield np.load(self._fh), np.load(self._fh)
        self._fh.close()


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; unlike ru_maxrss, not inherited on exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / MB


class Verifier:
    """Re-asks the raw model about every finding and checks it is a new class."""

    def __init__(self, schema: Schema, model: Model, threshold: float | None) -> None:
        self.schema, self.model, self.threshold = schema, model, threshold
        self.oracle = Oracle(schema, model, threshold=threshold)  # only for class_keys
        self.classes = KeyIndex(capacity=1 << 16)
        self.checked = 0
        self.confirmed = 0
        self.duplicates = 0
        # findings equal to another to 9 decimals but not bit for bit (float rounding of a
        # step up and back), counted apart from the search's own keys
        self.near = KeyIndex(capacity=1 << 16)
        self.near_duplicates = 0

    def check(self, inputs: np.ndarray, outputs: np.ndarray) -> None:
        n, k, d = inputs.shape
        rows = inputs.reshape(n * k, d).astype(np.float64)
        raw = np.asarray(self.model.predict(self.schema.decode(rows)))
        caps = self.model.capabilities
        labels = labels_of(raw, caps).reshape(n, k)
        if caps.outputs == "proba":
            probs = raw.reshape(n, k, -1)
            gap = (probs.max(axis=1) - probs.min(axis=1)).max(axis=1)
            same = np.allclose(probs, outputs)
        else:
            gap = (labels.min(axis=1) != labels.max(axis=1)).astype(float)
            same = bool(np.array_equal(raw.reshape(n, k), outputs))
        if self.threshold is None:
            disc = labels.min(axis=1) != labels.max(axis=1)
        else:
            disc = gap > self.threshold
        ok = disc & same
        if len(self.classes) < DISTINCT_CHECK:  # one IDI per class (bounded memory)
            keys = self.oracle.class_keys(inputs[:, 0].astype(np.float64))
            new = self.classes.add(keys)
            self.duplicates += int(np.count_nonzero(~new))
            ok &= new
            free = self.oracle.free
            near = self.near.add(row_keys(np.round(inputs[:, 0][:, free].astype(np.float64), 9)))
            self.near_duplicates += int(np.count_nonzero(~near & new))
        self.checked += n
        self.confirmed += int(np.count_nonzero(ok))


@dataclass
class Result:
    strategy: str
    summary: dict[str, Any]
    wall: float
    model_seconds: float
    peak_rss: float
    verified: int
    checked: int
    duplicates: int
    near_duplicates: int = 0

    @property
    def idis_per_second(self) -> float:
        return self.summary["idis"] / self.wall if self.wall > 0 else 0.0


def run_strategy(
    strategy: str,
    schema: Schema,
    model: Model,
    data: np.ndarray,
    seconds: float,
    *,
    cache_size: int = 1_000_000,
    seed: int = 0,
    overlap: bool = True,
) -> Result:
    caller = ThreadCaller() if overlap else InlineCaller()
    budgeted = BudgetedModel(
        EncodedModel(schema, model), max_time=seconds, cache_size=cache_size, caller=caller
    )
    search = make_search(strategy, schema=schema, model=budgeted, rng=generator(seed), data=data)
    spool = Spool()
    peak = rss_mb()
    t0 = time.monotonic()
    try:
        while not search.done and budgeted.exhausted() is None:
            spool.add(search.step())
            peak = max(peak, rss_mb())
    except BudgetExhausted:
        pass
    with contextlib.suppress(BudgetExhausted):  # (its round answered after the time ran out)
        spool.add(search.flush())
    wall = time.monotonic() - t0
    caller.close()
    verifier = Verifier(schema, model, None)
    for inputs, outputs in spool.batches():
        verifier.check(inputs, outputs)
    return Result(
        strategy=strategy,
        summary=search.summary(),
        wall=wall,
        model_seconds=budgeted.model_seconds,
        peak_rss=peak,
        verified=verifier.confirmed,
        checked=verifier.checked,
        duplicates=verifier.duplicates,
        near_duplicates=verifier.near_duplicates,
    )


def fmt(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def print_table(title: str, results: list[Result]) -> None:
    print(f"\n## {title}")
    head = (
        f"{'strategy':<18}{'IDIs':>12}{'generated':>12}{'success':>9}{'IDI/1000q':>10}"
        f"{'IDIs/s':>11}{'1st 100 s':>10}{'predict':>9}{'peak MB':>9}  verified"
    )
    print(head)
    print("-" * len(head) + "-" * 10)
    for r in results:
        s = r.summary
        print(
            f"{r.strategy:<18}{s['idis']:>12,}{s['generated']:>12,}"
            f"{100 * s['success_rate']:>8.1f}%{s['idis_per_1000_queries']:>10.1f}"
            f"{fmt(r.idis_per_second):>11}{fmt(s['seconds_to_first_100'], 3):>10}"
            f"{100 * r.model_seconds / r.wall if r.wall else 0:>8.1f}%{r.peak_rss:>9.0f}"
            f"  {r.verified:,}/{r.checked:,}"
            + (f" ({r.duplicates} dup)" if r.duplicates else "")
            + (
                f" ({r.near_duplicates} equal to another within rounding)"
                if r.near_duplicates
                else ""
            )
        )
    by = {r.strategy: r for r in results}
    if DEFAULT_STRATEGY in by and "aequitas-full" in by and by["aequitas-full"].idis_per_second:
        ratio = by[DEFAULT_STRATEGY].idis_per_second / by["aequitas-full"].idis_per_second
        print(f"{DEFAULT_STRATEGY} / aequitas-full IDIs per second: {ratio:,.0f}x")
    if DEFAULT_STRATEGY in by and "random" in by and by["random"].summary["idis"]:
        w, rnd = by[DEFAULT_STRATEGY].summary, by["random"].summary
        ratio = w["idis_per_1000_queries"] / rnd["idis_per_1000_queries"]
        print(f"{DEFAULT_STRATEGY} / random IDIs per query: {ratio:,.1f}x")


MLP_LAYERS = (64, 32, 16, 8, 4)


def train(kind: str, x: np.ndarray, y: np.ndarray) -> Any:
    if kind == "tree":
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(random_state=0).fit(x, y)
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # the Adult network of the fairness-testing literature (ADF, EIDIG): five hidden
        # layers of 64, 32, 16, 8 and 4 units
        mlp = MLPClassifier(hidden_layer_sizes=MLP_LAYERS, max_iter=60, random_state=0)
        return make_pipeline(StandardScaler(), mlp).fit(x, y)


INLINE = f"{DEFAULT_STRATEGY} (inline calls)"


def table(
    title: str, kind: str, protected: tuple[str, ...], seconds: float, inline: bool
) -> list[Result]:
    ds = load_dataset("adult")
    schema = ds.schema.with_protected(protected)
    x = schema.decode(ds.X)
    est = train(kind, x, ds.target)
    model = from_sklearn(est)
    results = []
    for strategy in STRATEGIES:
        # only the default launches a round before it reads the last one: the others ask
        # one batch at a time and run best with inline calls
        overlap = strategy == DEFAULT_STRATEGY
        results.append(run_strategy(strategy, schema, model, ds.X, seconds, overlap=overlap))
    if inline:  # the baseline: the same search with every model call in the main thread
        r = run_strategy(DEFAULT_STRATEGY, schema, model, ds.X, seconds, overlap=False)
        r.strategy = INLINE
        results.append(r)
    acc = float(np.mean(labels_of(model.predict(x), model.capabilities) == ds.target))
    print_table(
        f"{title}: Adult 13-int, {type(est).__name__ if kind == 'tree' else f'MLP {MLP_LAYERS}'}, "
        f"accuracy {acc:.3f}, protected {', '.join(protected)} "
        f"(K={len(schema.protected_combinations())}), "
        f"{seconds:g} s per strategy, starts: {results[0].summary['distribution']} "
        f"({len(ds.X):,} real rows), outputs {model.capabilities.outputs}",
        results,
    )
    return results


CONTINUOUS = ("age", "fnlwgt", "capital_gain", "capital_loss", "hours_per_week")


def continuous_phase(seconds: float, repeat: int, queries: int) -> None:
    """The default search on Adult with its five numeric columns declared continuous (the
    same values; the walk steps them by 1 % of their range, as any continuous column):
    ``repeat`` runs of ``seconds`` with the model called in the background (IDIs per wall
    second); the time mode pinned, the model called inline, under ``queries`` queries (the
    same findings on any machine: IDIs per CPU second of this process, the search and the
    model); and a query-mode run of 100,000 queries.  Each finding equal to another within
    float rounding (to 9 decimals, but not bit for bit) is counted apart (fair36: none
    should be)."""
    from dataclasses import replace

    ds = load_dataset("adult")
    feats = tuple(
        replace(f, kind="continuous", value_labels=None) if f.name in CONTINUOUS else f
        for f in ds.schema.features
    )
    schema = Schema(features=feats, protected=("sex",))
    model = from_sklearn(train("tree", schema.decode(ds.X), ds.target))
    print(f"## Adult, {', '.join(CONTINUOUS)} continuous; tree; protected sex")
    for i in range(repeat):
        r = run_strategy(DEFAULT_STRATEGY, schema, model, ds.X, seconds, seed=i)
        print(
            f"time mode, seed {i}, {seconds:g} s: {r.summary['idis']:,} IDIs, "
            f"{r.idis_per_second:,.0f} IDIs/s, success {100 * r.summary['success_rate']:.1f} %, "
            f"{r.near_duplicates:,} equal to another within rounding, "
            f"{r.verified:,}/{r.checked:,} verified"
        )
        sys.stdout.flush()
    for optimize, budget in (("time", queries), ("queries", 100_000)):
        budgeted = BudgetedModel(EncodedModel(schema, model), max_queries=budget)
        search = make_search(
            DEFAULT_STRATEGY,
            schema=schema,
            model=budgeted,
            rng=generator(0),
            data=ds.X,
            optimize=optimize,
        )
        verifier = Verifier(schema, model, None)
        spool = Spool()
        cpu = time.process_time()
        try:
            while not search.done:
                spool.add(search.step())
        except BudgetExhausted:
            pass
        spool.add(search.flush())
        cpu = time.process_time() - cpu
        for inputs, outputs in spool.batches():
            verifier.check(inputs, outputs)
        s = search.summary()
        print(
            f"{optimize} mode, {budget:,} queries, model inline: {s['idis']:,} IDIs "
            f"({s['idis_per_1000_queries']:.1f} per 1,000 queries), "
            f"{verifier.near_duplicates:,} equal to another within rounding; "
            f"{cpu:.2f} CPU s, {s['idis'] / cpu:,.0f} IDIs per CPU second"
        )
        sys.stdout.flush()


def memory_phase(target: int) -> None:
    """Run the default until ``target`` unique generated inputs; print peak RSS (own process).

    Snapshots are taken (and dropped) every 0.5 s, as the driver does.
    """
    ds = load_dataset("adult")
    schema = ds.schema
    model = from_sklearn(train("tree", schema.decode(ds.X), ds.target))
    budgeted = BudgetedModel(EncodedModel(schema, model))
    search = make_search(
        DEFAULT_STRATEGY, schema=schema, model=budgeted, rng=generator(0), data=ds.X
    )
    verifier = Verifier(schema, model, None)
    base = peak_rss_mb()
    t0 = time.perf_counter()
    verify_s = 0.0
    generated = 0
    last = time.perf_counter()
    while generated < target and not search.done:
        found = list(search.step())
        if time.perf_counter() - last > 0.5:  # as the driver does: checkpoint every 0.5 s
            found += search.flush()
            search.snapshot()
            last = time.perf_counter()
        v0 = time.perf_counter()
        for batch in found:
            verifier.check(batch.inputs, batch.outputs)
        verify_s += time.perf_counter() - v0
        generated = search.summary()["generated"]
    wall = time.perf_counter() - t0 - verify_s
    peak = peak_rss_mb()
    s = search.summary()
    print(
        f"memory phase: {s['generated']:,} unique generated, {s['idis']:,} IDIs in {wall:.1f} s "
        f"(verification excluded); peak RSS {peak:,.0f} MB (before the search: {base:,.0f} MB); "
        f"{verifier.confirmed:,}/{verifier.checked:,} findings re-verified"
        + (f", {verifier.duplicates} duplicate classes" if verifier.duplicates else "")
    )
    print(f"memory target < 1024 MB: {'met' if peak < 1024 else 'NOT met'}")


def full_run(seconds: float) -> None:
    """A whole run as a user makes it, in its own process: ``check_fairness`` with default
    options (group metrics, search, determinism check, summary) on the benchmark tree, then
    the JSON and HTML reports.  Rates are per wall-clock second from the run's start."""
    import os
    import shutil

    from assay.api import check_fairness
    from assay.core.store import RunStore
    from assay.report import build_document, write_reports

    ds = load_dataset("adult")
    est = train("tree", ds.schema.decode(ds.X), ds.target)
    where = tempfile.mkdtemp(prefix="assay-bench-")
    try:
        store_path = os.path.join(where, "runs.db")
        cpu0 = time.process_time()
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        result = check_fairness(
            est, dataset="adult", protected="sex", max_time=seconds, seed=0, store=store_path
        )
        ran = time.monotonic() - t0
        store = RunStore(store_path)
        doc = build_document(store, result.run_id)
        write_reports(
            doc,
            json_path=os.path.join(where, "r.json"),
            html_path=os.path.join(where, "r.html"),
        )
        total = time.monotonic() - t0
        cpu = time.process_time() - cpu0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        store.close()
        size = sum(
            os.path.getsize(os.path.join(where, f))
            for f in os.listdir(where)
            if f.startswith("runs.db")
        )
    finally:
        shutil.rmtree(where, ignore_errors=True)
    search = result.summary.get("search", {})
    idis = result.n_findings
    success = float(search.get("success_rate", 0.0))
    wall_rate = idis / total if total else 0.0
    print(
        f"\n## Full run (check_fairness with default options + JSON/HTML reports), tree/sex, "
        f"--max-time {seconds:g}"
    )
    print(
        f"{idis:,} IDIs; {total:.2f} s wall clock from the run's start to the reports written "
        f"(run {ran:.2f} s; over the budget by {100 * (total - seconds) / seconds:+.1f} %, "
        f"target <= +2 %: {'met' if total <= seconds * 1.02 else 'NOT met'})"
    )
    print(
        f"IDIs per wall-clock second: {wall_rate:,.0f}; search phase only (labelled, not "
        f"a wall-clock rate): {float(search.get('idis_per_second', 0.0)):,.0f}; "
        f"success {100 * success:.1f}%"
    )
    per_idi = size / idis if idis else float("nan")
    print(
        f"store: {size / MB:,.1f} MB, {per_idi:,.1f} bytes per IDI; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )
    print(
        f"CPU time of the process (every thread, run and reports): {cpu:.2f} s, "
        f"{1e6 * cpu / idis if idis else float('nan'):.3f} us per IDI (compare runs on a "
        "loaded machine by this, not by the wall-clock rate)"
    )
    system = usage.ru_stime - usage0.ru_stime
    faults = usage.ru_minflt - usage0.ru_minflt
    print(
        f"of which system time {system:.2f} s ({faults:,} page faults; on a virtual machine "
        "whose host backs fresh memory lazily, taking pages is slow: see bench/RESULTS.md, "
        "seventeenth session)"
    )
    print(
        f"target >= 600,000 IDIs per wall-clock second at >= 90 % success: "
        f"{'met' if wall_rate >= 600_000 and success >= 0.9 else 'NOT met'}"
    )


def cpu_phase(queries: int) -> None:
    """CPU time per IDI of the search's own work and of the checkpoints, for a fixed query
    budget (the same work whatever the machine's load: compare versions by it on a shared
    machine).  Checkpoints come every 250,000 findings (``MAX_PENDING``) rather than every
    2 s of wall clock, so that their number does not follow the load either."""
    import functools
    import os

    import assay.fairness.technique as technique
    from assay.api import check_fairness
    from assay.core.store import RunStore

    os.environ["ASSAY_CHECKPOINT_SECONDS"] = "1e9"
    ds = load_dataset("adult")
    est = train("tree", ds.schema.decode(ds.X), ds.target)
    spent = {"search": 0.0, "checkpoints": 0.0}

    def timed(cls: Any, name: str, key: str) -> None:
        f = getattr(cls, name)

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.thread_time()
            try:
                return f(*args, **kwargs)
            finally:
                spent[key] += time.thread_time() - t

        setattr(cls, name, wrapper)

    timed(technique.FairnessSearch, "step", "search")
    timed(technique.FairnessSearch, "flush", "search")
    timed(RunStore, "checkpoint", "checkpoints")
    with tempfile.TemporaryDirectory(prefix="assay-bench-") as where:
        main0, cpu0 = time.thread_time(), time.process_time()
        result = check_fairness(
            est,
            dataset="adult",
            protected="sex",
            max_queries=queries,
            seed=0,
            store=os.path.join(where, "runs.db"),
            answer=False,
        )
        main, cpu = time.thread_time() - main0, time.process_time() - cpu0
    n = result.n_findings
    print(f"\n## CPU per IDI, tree/sex, {queries:,} queries (seed 0): {n:,} IDIs")
    for key, seconds in spent.items():
        print(f"{key:<12} {seconds:7.2f} s CPU (its thread), {1e6 * seconds / n:.3f} us per IDI")
    total = sum(spent.values())
    print(f"{'both':<12} {total:7.2f} s CPU, {1e6 * total / n:.3f} us per IDI")
    print(
        f"{'main thread':<12} {main:7.2f} s CPU for the whole run, {1e6 * main / n:.3f} us per "
        f"IDI (checkpoints may be written on a background thread)"
    )
    print(
        f"{'process':<12} {cpu:7.2f} s CPU, every thread (model calls, checkpoints, merges), "
        f"{1e6 * cpu / n:.3f} us per IDI"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0, help="per strategy, main table")
    ap.add_argument(
        "--other-seconds",
        type=float,
        default=None,
        help="per strategy, race/age/MLP tables (default: --seconds)",
    )
    ap.add_argument("--quick", action="store_true", help="5 s per strategy, 2M memory phase")
    ap.add_argument("--memory-target", type=int, default=10_000_000)
    ap.add_argument(
        "--only", choices=["memory", "tables", "run", "cpu", "continuous"], default=None
    )
    ap.add_argument("--repeat", type=int, default=3, help="--only continuous: runs")
    ap.add_argument(
        "--continuous-queries",
        type=int,
        default=2_000_000,
        help="--only continuous: the inline time-mode run's query budget",
    )
    ap.add_argument("--queries", type=int, default=16_000_000, help="--only cpu: query budget")
    args = ap.parse_args()
    if args.quick:
        args.seconds, args.memory_target = 5.0, 2_000_000
    other = args.other_seconds if args.other_seconds is not None else args.seconds
    if args.only == "memory":
        memory_phase(args.memory_target)
        return
    if args.only == "run":
        full_run(args.seconds)
        return
    if args.only == "cpu":
        cpu_phase(args.queries)
        return
    if args.only == "continuous":
        continuous_phase(args.seconds, args.repeat, args.continuous_queries)
        return
    print(f"# assay fairness search benchmark ({time.strftime('%Y-%m-%d %H:%M:%S')})")
    print(f"command: python bench/fairness.py {' '.join(sys.argv[1:])}")
    main_results = table("Tree, sex", "tree", ("sex",), args.seconds, inline=True)
    table("Tree, race", "tree", ("race",), other, inline=False)
    table("Tree, age", "tree", ("age",), other, inline=False)
    mlp = table("MLP, sex", "mlp", ("sex",), other, inline=True)

    by = {r.strategy: r for r in main_results}
    walk, aeq = by[DEFAULT_STRATEGY], by["aequitas-full"]
    print("\n## Targets")
    rate = walk.idis_per_second
    success = walk.summary["success_rate"]
    print(
        f"default on tree/sex: {rate:,.0f} IDIs/s (target >= 200,000): "
        f"{'met' if rate >= 200_000 else 'NOT met'}; success {100 * success:.1f}% "
        f"(target >= 90%): {'met' if success >= 0.9 else 'NOT met'}"
    )
    ratio = rate / aeq.idis_per_second if aeq.idis_per_second else float("inf")
    print(
        f"default / aequitas-full: {ratio:,.0f}x (target >= 100x): "
        f"{'met' if ratio >= 100 else 'NOT met'}"
    )
    m = {r.strategy: r for r in mlp}[DEFAULT_STRATEGY]
    share = m.model_seconds / m.wall if m.wall else 0.0
    print(
        f"default on MLP: {100 * share:.1f}% of wall time inside predict (target >= 50%): "
        f"{'met' if share >= 0.5 else 'NOT met'}"
    )
    for name, results in (("MLP", mlp), ("tree/sex", main_results)):
        a = {r.strategy: r for r in results}
        over, inl = a[DEFAULT_STRATEGY], a[INLINE]
        print(
            f"  {name}: model calls in the background {over.idis_per_second:,.0f} IDIs/s "
            f"({100 * over.model_seconds / over.wall:.1f}% inside predict); all in the main "
            f"thread {inl.idis_per_second:,.0f} IDIs/s "
            f"({100 * inl.model_seconds / inl.wall:.1f}%): "
            f"{over.idis_per_second / max(inl.idis_per_second, 1e-9):.2f}x"
        )
    if args.only == "tables":
        return
    sys.stdout.flush()
    subprocess.run(
        [sys.executable, __file__, "--only", "run", "--seconds", str(args.seconds)], check=True
    )
    subprocess.run(
        [sys.executable, __file__, "--only", "memory", "--memory-target", str(args.memory_target)],
        check=True,
    )


if __name__ == "__main__":
    main()
