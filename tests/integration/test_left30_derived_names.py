"""left30: names a run learns from its model (class names: a scikit-learn model's
``classes_``, a ``.onnx``'s metadata, a served model's labels, an image model's classes),
not typed by the user, print on one line on the console; the JSON keeps them exact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.cli.user_words import keep_run_words
from assay.core import kept_words
from assay.core.run_record import RunRecord

SRC = str(Path(assay.__file__).parents[1])
HIRED = "hired\nFAKE LINE: hired"
REJECTED = "rejected\tTAB"


@pytest.fixture(autouse=True)
def _fresh_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_words, "_KEPT", {})
    monkeypatch.setattr(kept_words, "_ORDER", [])


def _assay(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "300"}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _no_planted_line(text: str) -> None:
    for line in text.splitlines():
        assert not line.startswith("FAKE LINE"), text


def test_a_models_class_names_print_on_one_line(tmp_path: Path) -> None:
    joblib = pytest.importorskip("joblib")
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    n = 1_000
    df = pd.DataFrame({"age": rng.integers(18, 70, n), "sex": rng.integers(0, 2, n)})
    y = np.where((df.sex == 1) & (df.age > 40), HIRED, REJECTED)
    df["y"] = y
    df.to_csv(tmp_path / "d.csv", index=False)
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(df[["age", "sex"]], y)
    joblib.dump(model, tmp_path / "m.joblib")
    run = _assay(
        "fairness", "m.joblib", "--allow-pickle", "--data", "d.csv", "--label", "y",
        "--protected", "sex", "--max-queries", "3000", "--seed", "1", "--store", "s.db",
        "--report", "r.json", cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    printed = run.stdout + run.stderr
    _no_planted_line(printed)
    assert "hired\\x0aFAKE LINE: hired" in printed  # the example's line, escaped
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["run"]["summary"]["favourable"]["class"] == HIRED  # the JSON keeps it exact
    run_id = report["run"]["id"]
    shown = _assay("show", run_id, "--store", "s.db", cwd=tmp_path)
    _no_planted_line(shown.stdout + shown.stderr)
    assert "hired\\x0aFAKE LINE: hired" in shown.stdout + shown.stderr
    # before any run: a --favourable that is no class, refused with the model's classes
    refused = _assay(
        "fairness", "m.joblib", "--allow-pickle", "--data", "d.csv", "--label", "y",
        "--protected", "sex", "--favourable", "nope", "--store", "s.db", cwd=tmp_path,
    )  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    _no_planted_line(refused.stdout + refused.stderr)
    assert "hired\\x0aFAKE LINE: hired" in refused.stderr


def _record(model: dict[str, object]) -> RunRecord:
    return RunRecord(
        id="r", technique="text", status="completed", seed=0, command="assay text a b",
        config={}, model=model, versions={}, progress={}, summary={}, error=None,
        created=0.0, updated=0.0, n_findings=0, max_severity=0.0,
    )  # fmt: skip


def test_every_classifiers_and_an_image_models_class_names_are_kept() -> None:
    keep_run_words(
        _record(
            {
                "classifiers": [
                    {"capabilities": {"class_names": ["neg\nFAKE LABEL", "pos"]}},
                    {"capabilities": {"class_names": ["a", "b\tc"]}},
                ]
            }
        )
    )
    keep_run_words(_record({"capabilities": {"class_names": ["cat", "dog\nFAKE CLASS"]}}))
    line = kept_words.on_one_line("neg\nFAKE LABEL / b\tc / dog\nFAKE CLASS")
    assert line == "neg\\x0aFAKE LABEL / b\\x09c / dog\\x0aFAKE CLASS"
