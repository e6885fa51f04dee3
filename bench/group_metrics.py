"""Benchmark of the group metrics of a fairness run on Adult's 45,222 labelled rows.

A run with labelled data starts with group metrics over every labelled row (selection rate,
true- and false-positive rates, accuracy per group, and the gaps).  They are computed with
fairlearn's ``MetricFrame``; this prints how long that takes next to the baseline measured in
the same process: ``MetricFrame`` given every row, as a user would call it.

    python bench/group_metrics.py                  # protected sex, then sex x race
    python bench/group_metrics.py --repeat 5

Figures are wall-clock and CPU seconds (the best of ``--repeat``); on a loaded machine the
wall-clock figures are noisy, the CPU figures less so.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from assay.datasets import load_dataset
from assay.fairness.group import group_metrics


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result): the fastest of ``repeat`` calls."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, out


def baseline(y: np.ndarray, pred: np.ndarray, groups: dict[str, list[str]]) -> Any:
    """fairlearn's MetricFrame on every row, with fairlearn's own metrics."""
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame,
        count,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    return MetricFrame(
        metrics={
            "count": count,
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
            "accuracy": accuracy_score,
        },
        y_true=y,
        y_pred=pred,
        sensitive_features=pd.DataFrame(groups),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = load_dataset("adult")
    X, y = ds.X, ds.target
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    wall_p, _, pred = best_of(args.repeat, lambda: model.predict(X))
    print(f"Adult: {len(y):,} labelled rows; the model's predict: {wall_p:.3f} s wall")
    for protected in (("sex",), ("sex", "race")):
        idx = [ds.schema.names.index(p) for p in protected]

        def user_values(idx: list[int] = idx) -> dict[str, list[str]]:
            out = {}
            for j in idx:
                codes, rows = np.unique(X[:, j], return_inverse=True)
                names = np.array([ds.schema.features[j].label(v) for v in codes], dtype=object)
                out[ds.schema.names[j]] = names[rows.reshape(-1)].tolist()
            return out

        wall_l, cpu_l, groups = best_of(args.repeat, user_values)
        wall_b, cpu_b, frame = best_of(1, lambda g=groups: baseline(y, pred, g))
        wall_o, cpu_o, report = best_of(args.repeat, lambda g=groups: group_metrics(y, pred, g))
        by = frame.by_group.dropna(how="all")
        diff = max(
            abs(
                g.selection_rate
                - float(by.loc[g.values if len(g.values) > 1 else g.values[0]]["selection_rate"])
            )
            for g in report.groups
        )
        print(
            f"\nprotected {' x '.join(protected)} ({len(report.groups)} groups):\n"
            f"  user values of the protected columns  {wall_l:7.3f} s wall {cpu_l:7.3f} s CPU\n"
            f"  baseline: MetricFrame on every row     {wall_b:7.3f} s wall {cpu_b:7.3f} s CPU\n"
            f"  assay's group metrics (MetricFrame)    {wall_o:7.3f} s wall {cpu_o:7.3f} s CPU"
            f"  ({wall_b / wall_o:.1f}x faster wall, {cpu_b / max(cpu_o, 1e-9):.1f}x CPU)\n"
            f"  largest difference in a selection rate between the two: {diff:.1e}\n"
            f"  context phase without the model (values + metrics): {wall_l + wall_o:.3f} s wall"
        )


if __name__ == "__main__":
    main()
