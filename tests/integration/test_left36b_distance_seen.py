"""left36b (hostile36's Left 8): ``--mode distance`` with a threshold no answer reached said
"no disagreement found in N queries" and nothing of the distances seen (exit 0, as the
user's rule says).  The headline (terminal, JUnit, HTML) and the summary's metrics now say
the largest distance judged, and, under half of the threshold, that it was never
approached."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

MODELS = """
import numpy as np

def _p(texts, base):
    return np.array([[base + 0.01 * (len(t) % 3), 1 - base - 0.01 * (len(t) % 3)] for t in texts])

def near(texts):  # 0.6 / 0.5: 0.1 apart at most 0.12
    return _p(texts, 0.6)

def half(texts):
    return _p(texts, 0.5)

def opposite(texts):  # 0.95 against 0.05: 0.9 apart
    return np.array([[0.05, 0.95] if "good" in t else [0.95, 0.05] for t in texts])

def other(texts):
    return np.array([[0.95, 0.05] if "good" in t else [0.05, 0.95] for t in texts])

for f in (near, half, opposite, other):
    f.classes_ = ["negative", "positive"]
"""


@pytest.mark.parametrize(
    ("pair", "largest", "approached", "more"),
    [
        (("near", "half"), (0.09, 0.13), False, []),
        (("opposite", "other"), (0.9, 0.9), True, []),
        (("near", "half"), (0.09, 0.13), False, ["--units", "2"]),  # the units' largest
    ],
)
def test_a_threshold_never_reached_says_the_largest_distance_seen(
    tmp_path: Path,
    pair: tuple[str, str],
    largest: tuple[float, float],
    approached: bool,
    more: list[str],
) -> None:
    (tmp_path / "m.py").write_text(MODELS)
    junit, report = tmp_path / "j.xml", tmp_path / "r.json"
    models = [f"{tmp_path / 'm.py'}:{name}" for name in pair]
    result = runner.invoke(
        app,
        [
            "text", *models, "--grammar", "builtin:reviews", "--mode", "distance",
            "--threshold", "0.99", "--max-queries", "300", "--seed", "1",
            "--store", str(tmp_path / "s.db"), "--junit", str(junit), "--report", str(report),
            *more,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # the user's rule, applied
    assert "no disagreement found" in result.output
    summary = json.loads(report.read_text())["run"]["summary"]
    seen = summary["metrics"]["largest distance seen (--mode distance)"]
    assert largest[0] <= seen <= largest[1] + 1e-9, seen
    said = f"the largest distance seen was {seen:.3g} (--threshold 0.99)"
    assert said in summary["headline"] and said in result.output
    assert ("the threshold was never approached" in summary["headline"]) is not approached
    out = "".join(c.findtext("system-out") or "" for c in ET.parse(junit).iter("testcase"))
    assert said in out, out
