"""Output piped to a reader that goes away early (``assay runs | head -1``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assay.cli.app import main


def _closed_reader(*args: str) -> tuple[int, str]:
    """Run ``assay ARGS`` with its stdout's reader gone before the first line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read()
    return proc.wait(timeout=300), err


def test_a_reader_that_goes_away_does_not_change_the_exit_code(tmp_path: Path) -> None:
    """rich exited 1 ('found' to CI) on a broken pipe, and assay's own JSON writer crashed
    with 'internal error (a bug in assay): BrokenPipeError'."""
    store = str(tmp_path / "runs.db")
    with pytest.raises(SystemExit):
        main(["fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
              "--max-queries", "2000", "--seed", "1", "--store", store, "--quiet"])  # fmt: skip
    for args in (["runs", "--store", store], ["runs", "--store", store, "--json"]):
        code, err = _closed_reader(*args)
        assert code == 0, (args, err)
        assert "internal error" not in err and "Traceback" not in err, err
    # a run whose summary cannot be printed still ends with its own code (1: found)
    code, err = _closed_reader(
        "fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "2000", "--seed", "1", "--store", store,
    )  # fmt: skip
    assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
