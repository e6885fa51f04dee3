"""mutation41, end to end: ``assay fairness ... --json`` on a model that replaces
``sys.stdout`` in a call (a ``StringIO`` to silence a library) and then fails: stdout holds
the error's JSON document (exit 3).  Before, it went into the model's ``StringIO`` and stdout
was empty."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.slow

_MODEL = """
import io
import sys
import numpy as np

calls = [0]


def predict(X):
    calls[0] += 1
    if calls[0] == 3:
        sys.stdout = io.StringIO()  # (never put back)
    if calls[0] == 6:
        raise RuntimeError("boom")
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)
"""


def test_the_error_document_is_on_stdout_after_the_model_replaced_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text(_MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the test, whatever it did)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    args = [
        "fairness", "m.py:predict", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "1000", "--seed", "1", "--store", "s.db", "--json",
    ]  # fmt: skip
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["exit_code"] == 3 and doc["kind"] == "model_error" and "boom" in doc["error"]
