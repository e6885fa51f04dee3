"""Benchmark of the text search strategies (prints tables; not a test).

Pairs, on the built-in review grammar, same query budget for every strategy, several seeds:
(a) two TF-IDF + logistic-regression models trained on the shipped tweets, identical except
    that one deletes negation words before vectorising;
(b) VADER vs TextBlob.
Every run goes through ``assay.check_text`` (store, checkpoints, shrinking included: the
queries spent shrinking count against the budget).  Then bulk generation speed on a 30-rule
grammar (the built-in topics grammar) against tree-by-tree generation.

    python bench/text.py                   # 20,000 queries per run, seeds 1-3
    python bench/text.py --quick           # 3,000 queries, seeds 1-2
    python bench/text.py --queries 10000 --seeds 1 2 3 4
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

from assay.core.rng import generator
from assay.text.api import builtin_classifier, check_text, setup_text
from assay.text.generate import BatchGenerator, Draws, Sampler, tree_text
from assay.text.grammar import load_grammar

STRATEGIES = ("random", "ogma", "walk")
PAIRS = {
    "a": ("tfidf", "tfidf-nonegation"),
    "b": ("vader", "textblob"),
}


def run_pair(pair: str, queries: int, seeds: list[int], store: Path) -> dict[str, list[Any]]:
    names = PAIRS[pair]
    models = [builtin_classifier(n) for n in names]
    out: dict[str, list[Any]] = {}
    for strategy in STRATEGIES:
        for seed in seeds:
            t0 = time.perf_counter()
            c0 = time.process_time()
            setup = setup_text(
                models, names=list(names), grammar="builtin:reviews", strategy=strategy
            )
            r = check_text(setup=setup, max_queries=queries, seed=seed, store=store)
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            # honest share: time inside the classifiers' own predict calls over the wall
            # time of the whole run (setup, store, shrinking, checkpoints, summary included);
            # and the same in CPU time (the classifiers' thread over the whole process), which
            # other processes on a loaded machine move much less
            inside = sum(setup.model.seconds)
            inside_cpu = sum(setup.model.cpu_seconds)
            m = r.summary["metrics"]
            out.setdefault(strategy, []).append(
                {
                    "per1000": m["errors per 1,000 queries"] or 0.0,
                    "minimal": m["distinct minimal failing sentences"],
                    "errors": m["errors found (distinct failing sentences)"],
                    "share": inside / wall,
                    "cpu_share": inside_cpu / max(cpu, 1e-9),
                    "wall": wall,
                    "cpu": cpu,
                    "per_call": r.progress["queries"] / max(setup.model.calls, 1),
                    "queries": r.progress["queries"],
                }
            )
    return out


def print_pair(pair: str, rows: dict[str, list[Any]], queries: int, seeds: list[int]) -> None:
    names = " vs ".join(PAIRS[pair])
    print(f"\npair ({pair}) {names}: review grammar, {queries:,} queries per run, seeds {seeds}")
    print(
        f"{'strategy':<10}{'errors/1000 q':>15}{'distinct minimal':>18}{'errors':>9}"
        f"{'in classifiers':>16}{'wall s':>9}{'CPU in clf':>12}{'CPU s':>8}{'sent/call':>11}"
    )
    for s in STRATEGIES:
        r = rows[s]
        print(
            f"{s:<10}{mean(x['per1000'] for x in r):>15.1f}"
            f"{mean(x['minimal'] for x in r):>18.1f}{mean(x['errors'] for x in r):>9.0f}"
            f"{mean(x['share'] for x in r):>15.0%}{mean(x['wall'] for x in r):>9.1f}"
            f"{mean(x['cpu_share'] for x in r):>11.0%}{mean(x['cpu'] for x in r):>8.2f}"
            f"{mean(x['per_call'] for x in r):>11.1f}"
        )
    walk = rows["walk"]
    for base in ("random", "ogma"):
        b = rows[base]
        r1 = mean(x["per1000"] for x in walk) / max(mean(x["per1000"] for x in b), 1e-9)
        r2 = mean(x["minimal"] for x in walk) / max(mean(x["minimal"] for x in b), 1e-9)
        print(
            f"  walk / {base}: {r1:.2f}x errors per 1,000 queries, {r2:.2f}x distinct "
            "minimal errors"
        )
    if pair == "a":
        ok1 = mean(x["per1000"] for x in walk) >= 3 * mean(x["per1000"] for x in rows["random"])
        ok2 = mean(x["per1000"] for x in walk) >= 1.5 * mean(x["per1000"] for x in rows["ogma"])
        print(
            f"  target (a): >= 3x random {'met' if ok1 else 'NOT met'}; "
            f">= 1.5x ogma {'met' if ok2 else 'NOT met'}"
        )
    else:
        ok1 = mean(x["minimal"] for x in walk) >= 2 * mean(x["minimal"] for x in rows["random"])
        ok2 = mean(x["minimal"] for x in walk) >= 2 * mean(x["minimal"] for x in rows["ogma"])
        print(
            f"  target (b): distinct minimal >= 2x random {'met' if ok1 else 'NOT met'}; "
            f">= 2x ogma {'met' if ok2 else 'NOT met'}"
        )
    share = mean(x["share"] for x in walk)
    cpu_share = mean(x["cpu_share"] for x in walk)
    print(
        f"  walk: {share:.0%} of wall time inside the classifiers (their predict calls "
        "over the whole run's wall time) "
        f"(target 80 %: {'met' if share >= 0.8 else 'NOT met'}); {cpu_share:.0%} of the "
        "process's CPU time (the classifiers' calling thread over the whole process)"
    )


def generation(n: int) -> None:
    g = load_grammar("builtin:topics")
    n_rules = len(g.names)
    bulk = BatchGenerator(g, generator(0))
    bulk.sentences(1000)
    t0 = time.perf_counter()
    done = 0
    while done < n:
        bulk.sentences(50_000)
        done += 50_000
    rate = done / (time.perf_counter() - t0)
    sampler = Sampler(g)
    draws = Draws(generator(1))
    t0 = time.perf_counter()
    m = n // 10
    for _ in range(m):
        tree_text(sampler.sentence_tree(draws))
    tree_rate = m / (time.perf_counter() - t0)
    print(
        f"\ngeneration, built-in topics grammar ({n_rules} rules, {g.n_productions} "
        f"productions): bulk {rate:,.0f} sentences/s (target 200,000: "
        f"{'met' if rate >= 200_000 else 'NOT met'}); tree by tree (the searches' path) "
        f"{tree_rate:,.0f} sentences/s ({rate / tree_rate:.1f}x); coverage "
        f"{bulk.coverage:.0%}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pairs", nargs="+", default=["a", "b"])
    args = ap.parse_args()
    if args.quick:
        args.queries, args.seeds = 3_000, [1, 2]
    t0 = time.perf_counter()
    for name in {n for p in args.pairs for n in PAIRS[p]}:
        builtin_classifier(name)
    print(
        f"built-in classifiers ready in {time.perf_counter() - t0:.1f} s "
        "(TF-IDF models trained at first use)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for pair in args.pairs:
            rows = run_pair(pair, args.queries, args.seeds, Path(tmp) / "runs.db")
            print_pair(pair, rows, args.queries, args.seeds)
    generation(200_000 if args.quick else 1_000_000)
    print(
        "\nFigures are from a shared machine: other processes compete for the CPU, so "
        "rates are noisy; ratios within one run are the comparable figures."
    )


if __name__ == "__main__":
    main()
