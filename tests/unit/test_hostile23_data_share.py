"""The share over the data rows stays exact when the box refinement of a single tree runs out
of time (hostile23): the rows were enumerated after the refinement, by the same deadline, so
a refinement that spent the budget (--exact-time 5 on a tree of 18,000 leaves) left them
none and the data share fell back to a sample ("9.32 %, 95 % CI ..., 5,000 sampled") where
the exact 9.74 % had been given when the analysis gave up early."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, analysis, compose_read
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        *(Feature(f"c{i}", "continuous", 0.0, 1.0) for i in range(6)),
        Feature("s", "integer", 0, 1),
    ),
    protected=("s",),
)


def test_a_refinement_out_of_time_leaves_the_data_share_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(0)
    x = SCHEMA.sample_uniform(rng, 20_000)
    noise = rng.normal(0, 0.3, len(x))
    y = ((x[:, :6].sum(axis=1) + 0.3 * x[:, 6] * (x[:, 0] > 0.5) + noise) > 3).astype(int)
    est = DecisionTreeClassifier(random_state=0).fit(x, y)
    trees = compose_read(SCHEMA, read_trees(load_model(est)))
    assert not isinstance(trees, str)
    # the refinement runs out of time at once, whatever the machine's speed (on a quiet one
    # this tree's refinement ends within a second; on a loaded one 0.1 s did not enumerate
    # the rows): the clock jumps past the budget as soon as the rows are enumerated
    counted = {"rows": False}
    enumerate_rows = analysis._data_bounds

    def rows_then_late(*args: Any, **kwargs: Any) -> Any:
        out = enumerate_rows(*args, **kwargs)
        counted["rows"] = True
        return out

    clock = SimpleNamespace(monotonic=lambda: time.monotonic() + (1e6 if counted["rows"] else 0))
    monkeypatch.setattr(analysis, "_data_bounds", rows_then_late)
    monkeypatch.setattr(analysis, "time", clock)
    got = analyse(SCHEMA, trees, "s", data=x[:5_000], time_budget=60.0)
    assert got.status == "bounded"  # the refinement did not finish
    assert got.data is not None  # but the 5,000 rows were enumerated
    low, high = got.data
    expected = np.mean(
        est.predict(np.c_[x[:5_000, :6], np.zeros(5_000)])
        != est.predict(np.c_[x[:5_000, :6], np.ones(5_000)])
    )
    assert low == high == expected
