"""left30: the group metrics (fairlearn's MetricFrame over the labelled rows) of a protected
attribute of very many values took milliseconds a group before the search began: 10,000
groups, 70 s of a run under ``--max-time 20`` (67.5 s in all).  Beyond ``MOST_GROUPS`` they
are skipped before the model is asked for them, and the run says why."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import assay
from assay.fairness.group import MOST_GROUPS, too_many_groups


def test_the_bound_is_inclusive_and_counts_combinations() -> None:
    rows = np.column_stack([np.arange(MOST_GROUPS) % MOST_GROUPS, np.zeros(MOST_GROUPS)])
    assert too_many_groups(rows, [0], ["job"]) is None
    more = np.vstack([rows, [[MOST_GROUPS, 0]]])
    said = too_many_groups(more, [0], ["job"])
    assert said is not None and f"{MOST_GROUPS + 1:,} groups of job" in said
    # two columns crossed: 2 x 501 combinations present
    crossed = np.column_stack([np.arange(1_002) % 2, np.arange(1_002) // 2])
    assert too_many_groups(crossed, [0, 1], ["a", "b"]) is not None
    assert too_many_groups(crossed, [0], ["a"]) is None


def test_a_run_of_many_groups_skips_them_before_asking(tmp_path: Path) -> None:
    k = 1_500
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"age": rng.integers(18, 70, 2 * k), "job": [f"j{i % k}" for i in range(2 * k)]}
    )
    df["y"] = (df.age > 40).astype(int)

    def predict(x: pd.DataFrame) -> np.ndarray:
        return (x["age"] > 40).to_numpy().astype(int)

    r = assay.check_fairness(
        predict, data=df, label="y", protected="job", max_queries=20_000, seed=1,
        store=str(tmp_path / "s.db"), answer=False, determinism_check=False,
    )  # fmt: skip
    stopped = r.summary["stopped_early"]
    assert "1,500 groups of job among the labelled rows" in stopped.get("context", ""), stopped
