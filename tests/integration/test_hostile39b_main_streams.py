"""hostile39b: ``main(ARGS)`` called from another program, on a model that replaces
``sys.stdout`` and ``sys.stderr`` (a log file, a ``StringIO`` to silence a library): the
command spoke on its own streams (hostile39), but left the model's in place when it
returned, so the program's own prints after it went into the model's ``StringIO``.  The
command puts them back as it found them (``cli.console.command_streams``)."""

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

sys.stdout = io.StringIO()  # at import: a library's chatter silenced for good
sys.stderr = io.StringIO()


def predict(X):
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)
"""


@pytest.mark.parametrize("as_json", [False, True], ids=["lines", "json"])
def test_the_programs_streams_are_its_own_again_after_main(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    as_json: bool,
) -> None:
    (tmp_path / "m.py").write_text(_MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the test, whatever it did)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    args = [
        "fairness", "m.py:predict", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "1000", "--seed", "1", "--store", "s.db",
    ]  # fmt: skip
    with pytest.raises(SystemExit) as exc:
        main([*args, "--json"] if as_json else args)
    assert exc.value.code == 1
    print("the program's own line", flush=True)
    print("the program's own warning", file=sys.stderr, flush=True)
    said = capsys.readouterr()
    assert "the program's own warning" in said.err
    # (--json: stdout is the JSON's alone, the rest on stderr, as during the command)
    assert "the program's own line" in (said.err if as_json else said.out)
