"""mutation38 (mutation37's DI4): ``--mode distance``'s "largest distance seen" is the run's
largest, not its last round's.  A pair of classifiers 0.1 apart for their first answers, then
alike: the run saw 0.1, and says so (under the mutant, the last round's 0)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()

MODELS = """
import numpy as np

ASKED = [0]

def _p(texts, base):
    return np.array([[base + 0.01 * (len(t) % 3), 1 - base - 0.01 * (len(t) % 3)] for t in texts])

def fading(texts):  # 0.1 from half for its first 60 sentences, then half itself
    ASKED[0] += len(texts)
    return _p(texts, 0.6 if ASKED[0] <= 60 else 0.5)

def half(texts):
    return _p(texts, 0.5)

for f in (fading, half):
    f.classes_ = ["negative", "positive"]
"""


def test_the_largest_distance_is_the_runs_not_the_last_rounds(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODELS)
    report = tmp_path / "r.json"
    models = [f"{tmp_path / 'm.py'}:{name}" for name in ("fading", "half")]
    result = CliRunner().invoke(
        app,
        [
            "text", *models, "--grammar", "builtin:reviews", "--mode", "distance",
            "--threshold", "0.99", "--max-queries", "400", "--seed", "1",
            "--no-determinism-check", "--store", str(tmp_path / "s.db"), "--report", str(report),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(report.read_text())["run"]["summary"]
    seen = summary["metrics"]["largest distance seen (--mode distance)"]
    assert 0.09 <= seen <= 0.13, seen  # (mutant: the last round's, 0)
