"""A listing whose stdout was closed when assay started exits 2, as one whose stdout is full
(docs46).

README's exit table (2): "a listing (`assay runs`, `show`, `code`, a `--dry-run`) whose stdout
could not be written ...: its lines were its whole answer".  left45o made ``assay runs >
/dev/full`` exit 2; ``assay runs >&-`` still exited 0 with every line dropped ("all fine" to a
script), its warning saying "its exit code stand[s]".  A run keeps its verdict's code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import assay

SRC = Path(assay.__file__).parents[1]
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
FAIR = ["fairness", "builtin:tree", "--dataset", "german", "--protected", "sex"]


def _shell(redirect: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'exec "$@" {redirect}', "bash", sys.executable, "-m", "assay", *args],
        capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300,
    )  # fmt: skip


def test_a_listing_to_a_closed_stdout_exits_2_and_a_run_keeps_its_verdict(
    tmp_path: Path,
) -> None:
    store = str(tmp_path / "s.db")
    run = _shell(">&-", *FAIR, "--max-queries", "2000", "--seed", "1", "--store", store,
                 cwd=tmp_path)  # fmt: skip
    assert run.returncode == 1, run.stderr  # found: the run's own code, not the listing's 2
    assert "is lost" not in run.stderr, run.stderr
    listed = _shell(">&-", "runs", "--store", store, cwd=tmp_path)
    assert listed.returncode == 2, listed.stderr
    assert "the list of runs is lost (exit 2)" in listed.stderr, listed.stderr
    assert "Traceback" not in listed.stderr
    code = _shell(">&-", "prune", "--keep-last", "0", "--dry-run", "--store", store,
                  cwd=tmp_path)  # fmt: skip
    assert code.returncode == 2, code.stderr
    shown = _shell("> /dev/null", "runs", "--store", store, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr  # a stream written to (nowhere) is written
