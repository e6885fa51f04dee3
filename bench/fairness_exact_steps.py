"""Benchmark: the compiled refinement of the Adult ensembles for a fixed number of kernel calls
(the same boxes decided whatever the machine's load), its CPU seconds (prints a table; not a
test).

A time-budgeted run (``fairness_exact.py``) reports bounds whose width depends on how much CPU
the run got on a shared machine; here the work is fixed (``refine(max_steps=...)``, one thread,
its steps and discriminatory mass printed so two versions can be checked to do the same
work), so the CPU seconds compare versions, or a run asked who is favoured (``--direction``)
with one not asked.

    python bench/fairness_exact_steps.py              # not asked who is favoured
    python bench/fairness_exact_steps.py --direction
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from assay.datasets import load_dataset
from assay.fairness.exact import compose_read
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import flatten, refine
from assay.models import load_model
from assay.models.trees import read_trees


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--direction", action="store_true")
    parser.add_argument("--calls", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = load_dataset("adult")
    x, y = ds.X, np.asarray(ds.target).astype(int)
    models = {
        "forest-50x8": RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0),
        "boosting-100x3": GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
    }
    asked = {"direction": True} if args.direction else {}
    for name, est in models.items():
        arrays = read_trees(load_model(est.fit(x, y)))
        assert not isinstance(arrays, str), arrays
        for attribute in ("sex", "race"):
            schema = ds.schema.with_protected([attribute])
            trees = compose_read(schema, arrays)
            assert not isinstance(trees, str), trees
            flat = flatten(build_domain(schema, trees), trees, schema.index(attribute))
            assert not isinstance(flat, str), flat
            refine(flat, deadline=float("inf"), max_steps=1, compiled=True)  # load the kernel
            cpus = []
            for _ in range(args.repeat):
                c0 = time.process_time()
                got = refine(
                    flat, deadline=float("inf"), max_steps=args.calls, compiled=True, **asked
                )
                cpus.append(time.process_time() - c0)
            with open("/proc/loadavg") as f:
                load = f.read().split()[0]
            print(
                f"{name:<16}{attribute:<6}{'direction' if args.direction else 'plain':<11}"
                f"boxes {got.decided:>9,}  disc {got.disc_mass:.10f}  cpu s min {min(cpus):.2f}"
                f" (all {' '.join(f'{c:.2f}' for c in cpus)})  load {load}"
            )


if __name__ == "__main__":
    main()
