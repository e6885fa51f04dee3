"""Width of the certain bounds against CPU seconds of refinement (prints; not a test).

The Adult ensembles of ``bench/fairness_exact.py`` (``RandomForestClassifier(n_estimators=50,
max_depth=8)``, ``GradientBoostingClassifier(n_estimators=100, max_depth=3)``), refined with a
deadline on the process's *CPU* clock instead of the wall clock, so that runs on a shared
machine compare like for like.  Run it with ``PYTHONPATH`` on two checkouts to compare them.

    python bench/fairness_exact_cpu.py --cpu 5 10 20 40 --models boosting forest --attrs sex
    python bench/fairness_exact_cpu.py --cpu 20 --threads 1 2   # one heap, then two at once
    python bench/fairness_exact_cpu.py --wall --cpu 30 --threads 1 2   # 30 s of wall clock
    python bench/fairness_exact_cpu.py --cpu 20 --beta 0 0.9   # the heap's order compared
    python bench/fairness_exact_cpu.py --cpu 30 --tolerance 0.1 --models boosting   # time to it
"""

from __future__ import annotations

import argparse
import time
import types
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from assay.datasets import load_dataset
from assay.fairness.exact import compose_read, ensemble
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import Flat, flatten, refine
from assay.models import load_model
from assay.models.trees import read_trees

MODELS: dict[str, Any] = {
    "boosting": lambda: GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
    "forest": lambda: RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0),
}


def _flat(estimator: Any, attribute: str) -> Flat:
    ds = load_dataset("adult")
    x, y = ds.X, np.asarray(ds.target).astype(int)
    arrays = read_trees(load_model(estimator.fit(x, y)))
    assert not isinstance(arrays, str), arrays
    schema = ds.schema.with_protected([attribute])
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str), trees
    flat = flatten(build_domain(schema, trees), trees, schema.index(attribute))
    assert not isinstance(flat, str), flat
    return flat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu", type=float, nargs="+", default=[5.0, 10.0, 20.0, 40.0])
    parser.add_argument("--models", nargs="+", default=["boosting", "forest"])
    parser.add_argument("--attrs", nargs="+", default=["sex", "race"])
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1],
        help="heaps refined at once (CPU seconds are the process's: all threads together)",
    )
    parser.add_argument(
        "--wall", action="store_true", help="the deadline on the wall clock instead (seconds)"
    )
    parser.add_argument(
        "--pieces", type=int, nargs="+", default=None, help="settle.py's limits to compare"
    )
    parser.add_argument(
        "--beta",
        type=float,
        nargs="+",
        default=None,
        help="how far a box deep undecided yields its place in the heap (ensemble._BETA)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        help="points: stop once the bounds are this close (the CPU it took is printed)",
    )
    args = parser.parse_args()
    # the refinement's deadline read from the CPU clock of this process (or the wall clock)
    clock = time.monotonic if args.wall else time.process_time
    ensemble.time = types.SimpleNamespace(monotonic=clock)  # type: ignore[assignment]
    print(f"assay from {ensemble.__file__}")
    for name in args.models:
        for attribute in args.attrs:
            flat = _flat(MODELS[name](), attribute)
            refine(flat, deadline=clock() + 0.5, compiled=True)  # load the kernel
            runs = [
                (c, p, n, b)
                for p in (args.pieces or [None])
                for c in args.cpu
                for n in args.threads
                for b in (args.beta or [None])
            ]
            for cpu, pieces, threads, beta in runs:
                if beta is not None:
                    ensemble._BETA = beta  # type: ignore[attr-defined]
                if pieces is not None:
                    ensemble._SETTLE_PIECES = pieces  # type: ignore[attr-defined]
                c0 = time.process_time()
                w0 = time.monotonic()
                got = refine(
                    flat,
                    deadline=clock() + cpu,
                    compiled=True,
                    max_pool=10**7,
                    threads=threads,
                    tolerance=args.tolerance / 100,
                )
                wall = time.monotonic() - w0
                used = time.process_time() - c0
                width = float(got.pend_mass.sum())
                print(
                    ("" if pieces is None else f"pieces {pieces:>5} ")
                    + ("" if beta is None else f"beta {beta:g} ")
                    + f"{name:<9}{attribute:<5} threads {threads}  cpu {used:6.2f} s  "
                    f"wall {wall:6.2f} s  bounds {100 * got.disc_mass:.4f}"
                    f" - {100 * (got.disc_mass + width):.4f} %  width {100 * width:7.4f} pt  "
                    f"decided {got.decided:>10,}  settled {getattr(got, 'settled', 0):>9,}  "
                    f"undecided boxes {len(got.pend_mass):>9,}  "
                    f"tries {getattr(got, 'settle_tries', '')}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
