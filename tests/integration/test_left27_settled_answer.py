"""left27: where the search and the answer's samples meet no IDI, an ensemble's exact share
comes with a box to show, also when its root box was settled at once (it said "share < 0.01
%, found" with no box, region or witness)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import assay
from assay.fairness.exact import kernel


def test_a_tiny_exact_share_of_a_settled_ensemble_names_its_box(tmp_path: Path) -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.default_rng(0)
    a = np.concatenate([rng.integers(0, 1_000_000, 20_000), rng.integers(499_990, 500_020, 4000)])
    s = rng.integers(0, 2, len(a))
    y = np.where(s == 0, a >= 500_000, a >= 500_003).astype(int)  # s matters for a 3 values
    model = GradientBoostingClassifier(
        n_estimators=5, max_depth=2, learning_rate=1.0, random_state=0
    ).fit(pd.DataFrame({"a": a, "s": s}), y)
    rows = pd.DataFrame({"a": rng.integers(0, 1_000_000, 300), "s": rng.integers(0, 2, 300)})
    rows = rows[(rows.a < 499_990) | (rows.a > 500_020)].reset_index(drop=True)
    rows.loc[0, "a"], rows.loc[1, "a"] = 0, 999_999
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows["y"] = model.predict(rows[["a", "s"]])
        result = assay.check_fairness(
            model, data=rows, protected="s", label="y", max_queries=8, seed=0,
            store=tmp_path / "runs.db",
        )  # fmt: skip
    summary = result.summary
    exact = summary["exact"][0]
    assert exact["status"] == "exact"
    assert exact["share_uniform"]["low"] == exact["share_uniform"]["high"] > 0
    assert summary["search"]["idis"] == 0  # (the answer's samples met none either)
    if "every input of the domain" in str(exact.get("source")):
        # enumerated through the trees (when that ended within its time): every IDI is an
        # input, no box; the exact region names them (it crashed there: np.eye over the
        # million values of a, CI run 88; tests/unit/test_lead29_row_set_wide.py)
        assert summary["regions"][0]["conditions"] == {"a": [500_000.0, 500_002.0]}
        assert summary["regions"][0]["figures"] == "exact"
        return
    assert exact["n_boxes"] >= 1, kernel.ready()
    assert exact["boxes"][0]["conditions"] == {"a": [[500_000.0, 500_002.0]]}
