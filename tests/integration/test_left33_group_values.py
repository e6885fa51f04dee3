"""left33: the group metrics' groups keep the user's own values (fair32's Left):
``summary.group.groups[].values`` were the labels' strings, ``"0"`` and ``"1"`` for an
integer protected column; now ``0`` and ``1`` (a category as given, ``true`` for a
boolean), as a region's ``values`` are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay


def model(frame: Any) -> np.ndarray:
    """Favours sex 1, members and group b (reads a DataFrame of the columns)."""
    score = frame["x"] + 30 * frame["sex"] + 20 * frame["member"] + 10 * (frame["grp"] == "b")
    return (np.asarray(score) > 60).astype(int)


def test_group_values_are_the_datas_own(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 400
    data = pd.DataFrame(
        {
            "x": rng.integers(0, 100, n),
            "sex": rng.integers(0, 2, n),
            "member": rng.integers(0, 2, n).astype(bool),
            "grp": rng.choice(["a", "b"], n),
        }
    )
    data["y"] = ((data.x > 50) | (data.sex == 1)).astype(int)
    result = assay.check_fairness(
        model, data=data, label="y", protected=["sex", "member", "grp"], max_queries=2000,
        seed=1, store=tmp_path / "r.db",
    )  # fmt: skip
    groups = json.loads(json.dumps(result.summary))["group"]["groups"]
    assert groups, result.summary.get("group")
    seen = {tuple(g["values"]) for g in groups}
    for values in seen:
        sex, member, grp = values
        assert sex in (0, 1) and not isinstance(sex, bool), values
        assert isinstance(member, bool) and grp in ("a", "b"), values
    assert (0, False, "a") in seen and (1, True, "b") in seen, seen
    named = {g["name"] for g in groups}  # (the names as before)
    assert "sex=0, member=False, grp=a" in named, named
