"""A text run's metrics said "share of time inside the classifiers" over the search's own
clock beside a "wall-clock seconds" that counts loading: 0.36 next to 12.4 s read as 4.4 s in
the classifiers, when they took 0.7 s.  Now both shares are given, each naming its clock."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.text.summary import SEARCH_SHARE, WALL_SHARE

register()
runner = CliRunner()

SLOW_TO_LOAD = """
import time

time.sleep(1.0)  # a classifier that takes a second to load


def keen(texts):
    return ["pos" if ("good" in t or "great" in t) else "neg" for t in texts]


def blunt(texts):
    return ["pos" if "good" in t else "neg" for t in texts]


keen.classes_ = blunt.classes_ = ["neg", "pos"]
"""


def test_the_classifiers_share_is_given_over_each_clock_by_name(tmp_path: Path) -> None:
    module = tmp_path / "clf.py"
    module.write_text(SLOW_TO_LOAD, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "text", f"{module}:keen", f"{module}:blunt", "--grammar", "builtin:reviews",
            "--max-queries", "400", "--seed", "1", "--store", str(tmp_path / "r.db"), "--json",
        ],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    summary = json.loads(result.stdout)["summary"]
    metrics = summary["metrics"]
    assert "share of time inside the classifiers" not in metrics
    wall = metrics["wall-clock seconds"]
    assert wall >= 1.0  # the loading is on the wall clock
    inside = summary["classifier_seconds"]
    assert abs(metrics[WALL_SHARE] - inside / wall) < 1e-3
    assert metrics[WALL_SHARE] < metrics[SEARCH_SHARE]
    # the classifiers' seconds over the search's share: the search's own seconds, within the
    # wall clock (mutation29: seconds rounded to tenths gave 0.0 for 2 ms, a share of 0.0)
    assert inside > 0 and 0 < inside / metrics[SEARCH_SHARE] <= wall * 1.01
