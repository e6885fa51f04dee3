"""``--mode distance`` compares probability distributions: a classifier answering other
scores (here 0 and 3) made every sentence a disagreement (300 of 300, exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

MODELS = """\
import numpy as np

def labels(xs):
    return np.array([0 if "not" in s.split() else 1 for s in xs])

def scores(xs):
    return np.array([[3.0, 0.0] if "not" in s.split() else [0.0, 3.0] for s in xs])

def probabilities(xs):
    return np.array([[0.9, 0.1] if "not" in s.split() else [0.2, 0.8] for s in xs])

for f in (labels, scores, probabilities):
    f.classes_ = ["neg", "pos"]
"""


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], first: str) -> tuple[int, str]:
    (tmp_path / "m.py").write_text(MODELS)
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "text",
                f"{tmp_path / 'm.py'}:{first}",
                f"{tmp_path / 'm.py'}:labels",
                "--grammar",
                "builtin:reviews",
                "--mode",
                "distance",
                "--max-queries",
                "200",
                "--seed",
                "1",
                "--store",
                str(tmp_path / "r.db"),
            ]
        )
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_scores_that_are_not_probabilities_are_refused_in_distance_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(tmp_path, capsys, "scores")
    assert code == 3, err
    assert "not probabilities" in err and "m.py:scores" in err and "--mode top1" in err


def test_probabilities_are_compared_in_distance_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(tmp_path, capsys, "probabilities")
    assert code in (0, 1), err
    assert "not probabilities" not in err
