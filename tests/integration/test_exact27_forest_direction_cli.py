"""exact27: ``assay fairness --exact`` on a forest of a fractional feature (no enumeration: the
branch and bound) counts who is favoured over its every box, for a two-valued and a
three-valued attribute, and says "exact" in the terminal line, the JSON and the HTML."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import skops.io
from sklearn.ensemble import RandomForestClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()


def test_a_forests_direction_is_counted_over_its_boxes_and_said_exact(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.uniform(0, 50, n).round(3)
    sex = rng.integers(0, 2, n)
    group = rng.integers(0, 3, n)
    # sex=1 and group=2 get the better outcome for x in 20..30
    y = ((x > 30) | (((sex == 1) | (group == 2)) & (x > 20))).astype(int)
    model = RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)
    model.fit(np.column_stack([x, sex, group]), y)
    skops.io.dump(model, tmp_path / "model.skops")
    rows = [f"{a},{b},{c}" for a, b, c in zip(x, sex, group, strict=True)]
    (tmp_path / "people.csv").write_text("x,sex,group\n" + "\n".join(rows) + "\n")
    result = runner.invoke(
        app,
        [
            "fairness",
            str(tmp_path / "model.skops"),
            "--data",
            str(tmp_path / "people.csv"),
            "--protected",
            "sex,group",
            "--max-queries",
            "2000",
            "--seed",
            "3",
            "--exact",
            "--store",
            str(tmp_path / "runs.db"),
            "--report",
            str(tmp_path / "r.json"),
            "--html",
            str(tmp_path / "r.html"),
        ],
    )
    assert result.exit_code == 1, result.output  # found
    summary = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]
    for attribute, favoured_value in (("sex", "1"), ("group", "2")):
        (exact,) = [e for e in summary["exact"] if e["attribute"] == attribute]
        assert exact["status"] == "exact", exact
        assert "through its trees" not in exact["source"]  # the branch and bound, not counted
        space = {
            d["value"]: d["favoured_in"]
            for d in summary["direction"]
            if d["attribute"] == attribute and d["distribution"] == "exact space"
        }
        assert max(space, key=lambda v: space[v]) == favoured_value, space
        on_data = [
            d
            for d in summary["direction"]
            if d["attribute"] == attribute and d["distribution"] == "data"
        ]
        assert on_data and all(d.get("exact") for d in on_data)
        line = next(x for x in result.output.splitlines() if x.startswith(f"{attribute}: share"))
        assert "of the discriminatory input space (exact: every box counted)" in line, line
    (group_exact,) = [e for e in summary["exact"] if e["attribute"] == "group"]
    assert any("second run" in a for a in group_exact["assumptions"])
    html = (tmp_path / "r.html").read_text()
    assert "an ensemble whose analysis decided every box" in html
