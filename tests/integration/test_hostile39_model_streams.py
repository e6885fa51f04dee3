"""hostile39: a model that replaces ``sys.stdout`` or ``sys.stderr`` (a log file at import,
a ``StringIO`` in each call to silence a library) took every line assay printed after it:
``assay fairness m.py:predict ... > out.txt`` left out.txt empty (no verdict, no reproduce
line) and stderr held only the loading line.  The command speaks on the streams it started
with (``cli.console.command_streams``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.slow

_MODEL = """
import io
import sys
import numpy as np

sys.stderr = io.StringIO()  # at import: a library's chatter silenced for good


def predict(X):
    sys.stdout = io.StringIO()  # in each call
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)
"""


def test_a_model_that_replaces_the_streams_leaves_assays_lines_where_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text(_MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the model's)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "fairness", "m.py:predict", "--dataset", "adult", "--protected", "sex",
                "--max-queries", "1500", "--seed", "1", "--store", "s.db",
            ]
        )  # fmt: skip
    assert exc.value.code == 1
    said = capsys.readouterr()
    assert "discriminatory inputs found for sex" in said.out
    assert "to reproduce:" in said.out
    assert "run fairness-" in said.err and "done:" in said.err
