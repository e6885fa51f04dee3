"""Shares computed in floating point are stored as the numbers they are: who is favoured over
a forest's every box read 0.9999999999999998 in the JSON for the value favoured in all of
it (exact27's Left: the per-value and the total mass summed in different orders), a
region's weight 0.09999999999999998; the terminal rounded both.  The data (the inputs asked,
a box's bounds) keep their every bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

from assay.core.display import tidy_share
from assay.fairness.api import check_fairness


def _noisy(x: float) -> bool:
    """Whether ``x`` reads as rounding noise: not a number of 10 significant digits, but
    within 1e-13 (relative) of one (23 / 34 = 0.6764705882352942 is no noise)."""
    near = float(f"{x:.10g}")
    return near != x and abs(near - x) <= 1e-13 * abs(x)


@pytest.fixture(scope="module")
def forest_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.uniform(0, 50, n).round(3)
    sex = rng.integers(0, 2, n)
    group = rng.integers(0, 3, n)
    y = ((x > 30) | (((sex == 1) | (group == 2)) & (x > 20))).astype(int)
    model = RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)
    model.fit(np.column_stack([x, sex, group]), y)
    frame = pd.DataFrame({"x": x, "sex": sex, "group": group})
    result = check_fairness(
        model,
        data=frame,
        protected=["sex", "group"],
        max_queries=2000,
        seed=3,
        exact=True,
        store=tmp_path_factory.mktemp("shares") / "runs.db",
    )
    return result.summary


def test_the_value_favoured_in_every_box_reads_one(forest_run: dict) -> None:
    space = {
        (d["attribute"], d["value"]): d["favoured_in"]
        for d in forest_run["direction"]
        if d["distribution"] == "exact space"
    }
    assert space[("group", "2")] == 1.0 and space[("sex", "1")] == 1.0, (
        space
    )  # (0.9999999999999998)
    assert not [v for v in space.values() if _noisy(v)], space


def test_shares_of_regions_and_boxes_carry_no_rounding_noise(forest_run: dict) -> None:
    shares = [
        r[k]
        for r in forest_run["regions"]
        for k in ("weight_space", "share_inside", "recall")
        if r.get(k) is not None
    ]
    shares += [b["share_of_space"] for e in forest_run["exact"] for b in e.get("boxes") or []]
    assert shares and not [v for v in shares if _noisy(v)], shares


def test_tidy_share() -> None:
    assert tidy_share(0.9999999999999998) == 1.0
    assert tidy_share(0.09999999999999998) == 0.1
    assert tidy_share(0.23437500000000006) == 0.234375
    assert tidy_share(5.807200929152154e-06) == pytest.approx(5.807200929152154e-06, rel=1e-11)
    assert tidy_share(1 / 3) == pytest.approx(1 / 3, abs=1e-12)
    assert tidy_share(0.0) == 0.0 and np.isnan(tidy_share(float("nan")))
