"""mutation37: a suite's invariance test is "not tested" only when every classifier gave one
label to every sentence; one steady classifier beside one that varies still tests it (mutant
SS2 of bench/RESULTS.md's mutation37: any one-label classifier made the test untested)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.text.pipeline import WORKER_ENV

CLASSIFIERS = (
    "def negates(texts):\n"
    "    return [[0.9, 0.1] if 'not' in t else [0.1, 0.9] for t in texts]\n"
    "negates.classes_ = ['neg', 'pos']\n"
    "def always_pos(texts):\n"
    "    return [[0.2 + 0.001 * len(t), 0.8 - 0.001 * len(t)] for t in texts]\n"
    "always_pos.classes_ = ['neg', 'pos']\n"
)
SMALL = (
    's -> "the" thing "is" neg adj\n'
    'thing -> "food" | "room" | "view" | "staff" | "bed"\n'
    'neg -> "" | "not"\n'
    'adj -> "good" | "great" | "fine" | "quiet"\n'
    "%invariant thing\n"
    '%expect adj: "good" -> pos\n'
)


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def _cli(tmp_path: Path, names: list[str]) -> Any:
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    (tmp_path / "g.cfg").write_text(SMALL)
    (tmp_path / "clf.py").write_text(CLASSIFIERS)
    models = [f"{tmp_path / 'clf.py'}:{m}" for m in names]
    return CliRunner().invoke(
        app,
        ["text", *models, "--grammar", str(tmp_path / "g.cfg"), "--oracle", "suite",
         "--store", str(tmp_path / "s.db"), "--max-queries", "400", "--seed", "1"],
    )  # fmt: skip


def test_one_steady_classifier_beside_a_varying_one_leaves_the_invariance_test_tested(
    tmp_path: Path,
) -> None:
    got = _cli(tmp_path, ["always_pos", "negates"])
    line = [s for s in got.output.splitlines() if "line 5: %invariant thing:" in s]
    assert line, got.output
    assert "NOTHING OF IT WAS TESTED" not in line[0], got.output
    assert "gave one label to every" in got.output  # (said of always_pos all the same)
