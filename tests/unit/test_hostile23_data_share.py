"""The share over the data rows stays exact when the box refinement of a single tree runs out
of time (hostile23): the rows were enumerated after the refinement, by the same deadline, so
a refinement that spent the budget (--exact-time 5 on a tree of 18,000 leaves) left them
none and the data share fell back to a sample ("9.32 %, 95 % CI ..., 5,000 sampled") where
the exact 9.74 % had been given when the analysis gave up early."""

from __future__ import annotations

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, compose_read
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


def test_a_refinement_out_of_time_leaves_the_data_share_exact() -> None:
    rng = np.random.default_rng(0)
    x = SCHEMA.sample_uniform(rng, 20_000)
    noise = rng.normal(0, 0.3, len(x))
    y = ((x[:, :6].sum(axis=1) + 0.3 * x[:, 6] * (x[:, 0] > 0.5) + noise) > 3).astype(int)
    est = DecisionTreeClassifier(random_state=0).fit(x, y)
    trees = compose_read(SCHEMA, read_trees(load_model(est)))
    assert not isinstance(trees, str)
    got = analyse(SCHEMA, trees, "s", data=x[:5_000], time_budget=0.2)
    assert got.status == "bounded"  # the refinement did not finish
    assert got.data is not None  # but the 5,000 rows were enumerated
    low, high = got.data
    expected = np.mean(
        est.predict(np.c_[x[:5_000, :6], np.zeros(5_000)])
        != est.predict(np.c_[x[:5_000, :6], np.ones(5_000)])
    )
    assert low == high == expected
