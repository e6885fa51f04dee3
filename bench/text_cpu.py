"""The walk's own CPU per query, its findings' digest, and a profile (prints; not a test).

The built-in classifiers of a pair answer from a memo (each sentence asked once in the
process, then looked up) in the search's thread (``ASSAY_TEXT_WORKER=inline``), so what is
timed is the search, not the classifiers or the machine's other work waiting for a core:

    python bench/text_cpu.py --pair a --seeds 1 2 3 --digest   # sha1 of every finding row
    python bench/text_cpu.py --pair a --seeds 1 --reps 5       # CPU us per query, by part
    python bench/text_cpu.py --pair a --seeds 1 --profile 30   # cProfile: modules, functions
    python bench/text_cpu.py --pair a --seeds 1 --worker process   # the run's own way

With ``--worker process`` the classifiers answer in their forked worker process, as in a
run (the memo is the worker's, refilled each run): the search process's CPU is then timed
with what it spends sending the sentences and reading the answers ("worker traffic": the
pipe, the call thread) and the parts outside the search's loop ("store": create, checkpoints
and their snapshots, reads, close; "worker start/end": forking and ending it), each on
whichever thread of the process it ran (the call thread's and the checkpoint thread's
share is said apart).

Run it on two builds of the same commit (pure, and a compiled copy from bench/text_mypyc.py
with ``PYTHONPATH``): the digests must be equal seed for seed.  The parts: the search's
loop (``TextSearch.step``, less what follows), the oracle, the calls to the classifiers
(budget, dispatch; the memo's own lookups run on the call's thread: in the rest) and the
rest of the process's CPU (set-up, store, checkpoints, summary, the determinism re-check).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from text import PAIRS, search_code  # bench/text.py (this script's directory is on the path)

PARTS = (  # (part, module, class, methods): time in them, less the parts timed within
    ("search loop", "assay.text.technique", "TextSearch", ("step",)),
    ("oracle", "assay.text.oracle", "Oracle", ("judge",)),
    ("classifier calls", "assay.core.budget", "BudgetedModel", ("predict", "predict_new")),
    ("classifier calls", "assay.core.budget", "BudgetedModel", ("submit_new",)),
    ("classifier calls", "assay.text.dispatch", "Flight", ("read",)),
)
WORKER_PARTS = (  # with --worker process, also
    ("worker traffic", "assay.text.pipeline", "PanelWorker", ("send_early", "predict")),
    (
        "store",
        "assay.core.store",
        "RunStore",
        ("__init__", "create_run", "checkpoint", "get_run", "set_config", "close"),
    ),
    ("store", "assay.text.technique", "TextSearch", ("snapshot",)),
    ("worker start/end", "assay.text.pipeline", "PanelWorker", ("__init__", "close")),
)


class Memo:
    """A classifier answering each sentence once, then from memory (same rows)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.capabilities = inner.capabilities
        self.info = inner.info
        self.memo: dict[str, Any] = {}

    def predict(self, inputs: Any, /) -> Any:
        missing = list(dict.fromkeys(s for s in inputs if s not in self.memo))
        if missing:
            self.memo.update(zip(missing, self.inner.predict(missing), strict=True))
        return np.stack([self.memo[s] for s in inputs])


def runner(pair: str, queries: int, tmp: Path) -> Callable[[int], Any]:
    from assay.text.api import builtin_classifier, check_text, setup_text

    names = list(PAIRS[pair])
    models = [Memo(builtin_classifier(n)) for n in names]
    made = [0]

    def run(seed: int) -> Any:
        made[0] += 1
        setup = setup_text(models, names=names, grammar="builtin:reviews")
        return check_text(
            setup=setup, max_queries=queries, seed=seed, store=tmp / f"runs{made[0]}.db"
        )

    return run


def parts(run: Callable[[int], Any], seed: int, reps: int, worker: str = "inline") -> None:
    """CPU per query by part, the run with the least CPU of ``reps`` (``worker``: where the
    classifiers answer; ``process`` also times the worker traffic and the store)."""
    import importlib
    import threading

    spent: dict[str, float] = {}
    stacks = threading.local()  # per thread: the CPU of the timed calls open within
    undo: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, label: str) -> None:
        orig = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            open_calls: list[float] | None = getattr(stacks, "open", None)
            if open_calls is None:
                open_calls = stacks.open = []
            c0 = time.thread_time()
            open_calls.append(0.0)
            try:
                return orig(*args, **kwargs)
            finally:
                inner = open_calls.pop()
                took = time.thread_time() - c0
                key = label
                if threading.current_thread() is not threading.main_thread():
                    key = f"{label} (other threads)"
                spent[key] = spent.get(key, 0.0) + took - inner
                if open_calls:
                    open_calls[-1] += took

        setattr(owner, attr, timed)
        undo.append((owner, attr, orig))

    for label, module, cls, attrs in PARTS + (WORKER_PARTS if worker == "process" else ()):
        owner = getattr(importlib.import_module(module), cls)
        for attr in attrs:
            wrap(owner, attr, label)
    best: dict[str, float] | None = None
    n = 1
    try:
        for _ in range(reps):
            spent.clear()
            c0 = time.process_time()
            n = max(run(seed).progress["queries"], 1)
            total = time.process_time() - c0
            if best is None or total < best["total"]:
                best = {**spent, "total": total}
    finally:
        for owner, attr, orig in reversed(undo):
            setattr(owner, attr, orig)
    assert best is not None
    best["rest"] = best["total"] - sum(v for k, v in best.items() if k != "total")
    print(f"  seed {seed}, {n:,} queries, the run with the least CPU of {reps}:")
    labels = ["search loop", "oracle", "classifier calls"]
    if worker == "process":
        labels += list(dict.fromkeys(label for label, *_ in WORKER_PARTS))
    labels += [f"{label} (other threads)" for label in labels]
    for label in [*labels, "rest", "total"]:
        if label in best or "(" not in label:
            print(f"    {label:<36}{1e6 * best.get(label, 0.0) / n:>8.1f} us/query")


def profile(run: Callable[[int], Any], seed: int, top: int) -> None:
    """cProfile of one run: own time by module, then the ``top`` functions."""
    prof = cProfile.Profile()
    prof.enable()
    run(seed)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1e-9
    by_module: Counter[str] = Counter()
    for (path, _line, name), v in raw.items():
        if "/assay/" in path:
            key = "assay/" + path.split("/assay/")[-1]
        elif path == "~":
            key = "(C) " + _c_name(name)
        else:
            key = "(other Python)"
        by_module[key] += v[2]
    print(f"  own time by module (of {total:.2f} s profiled):")
    for key, t in by_module.most_common(top):
        print(f"    {t / total:>6.1%}  {key}")
    print(f"  the {top} functions with most own time:")
    stats.sort_stats("tottime").print_stats(top)


def _c_name(raw: str) -> str:
    """``<method 'execute' of 'sqlite3.Connection' objects>`` -> ``sqlite3.Connection.execute``."""
    got = re.fullmatch(r"<method '(\w+)' of '([\w.]+)' objects>", raw)
    if got:
        return f"{got[2]}.{got[1]}"
    got = re.fullmatch(r"<built-in method ([\w.]+)>", raw)
    return got[1] if got else raw


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pair", default="a", choices=sorted(PAIRS))
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=5, help="runs per seed for the CPU figures")
    ap.add_argument("--digest", action="store_true", help="only the findings' digests")
    ap.add_argument("--profile", type=int, metavar="TOP", help="cProfile one run per seed")
    ap.add_argument(
        "--worker",
        choices=("inline", "process"),
        default="inline",
        help="where the classifiers answer (process: their worker, as in a run; the CPU "
        "figures then include the traffic to it)",
    )
    args = ap.parse_args()
    os.environ["ASSAY_TEXT_WORKER"] = args.worker
    print(
        f"search code measured: {search_code()}; classifiers {args.worker}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        run = runner(args.pair, args.queries, Path(tmp))
        for seed in args.seeds:
            r = run(seed)  # the memo filled (and the digest)
            rows = r.findings().to_csv()
            m = r.summary["metrics"]
            print(
                f"pair ({args.pair}) seed {seed}: findings sha1 "
                f"{hashlib.sha1(rows.encode()).hexdigest()[:12]}, "
                f"{m['errors found (distinct failing sentences)']} errors, "
                f"{m['distinct minimal failing sentences']} distinct minimal, "
                f"{r.progress['queries']:,} queries"
            )
            if args.digest:
                continue
            if args.profile:
                profile(run, seed, args.profile)
            else:
                parts(run, seed, args.reps, args.worker)
    print(f"load {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
