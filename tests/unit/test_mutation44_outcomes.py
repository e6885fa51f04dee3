"""mutation44: each outcome's share per value (``outcomes.gets``, left43f) is said for a model
of three classes or more only: left43f's test had three, so ``gets`` for a two-class model
(where ``favoured_in`` already says it all) passed it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay


def test_a_two_class_models_direction_has_no_outcome_shares(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 400), "income": rng.integers(0, 100, 400)})
    label = np.where(frame["income"] + 30 * frame["sex"] > 70, "approve", "decline")
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(frame, label)
    result = assay.check_fairness(
        model, frame, protected="sex", favourable="approve", max_queries=600, seed=1,
        store=tmp_path / "s",
    )  # fmt: skip
    rows = result.summary["direction"]
    assert rows and result.n_findings > 0
    assert not any("gets" in d for d in rows), rows
