"""hostile27a: a CI job whose file size limit (ulimit -f) the store reaches: SQLite says
only "disk I/O error"; the error says what it may be and how to go on (exit 4), and the run
resumes to the findings of a run never stopped."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from ci22_in_process import assay_here

import assay

SRC = Path(assay.__file__).parents[1]
CHECKPOINTS = {"ASSAY_CHECKPOINT_SECONDS": "0.2"}


def _assay(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(SRC), **CHECKPOINTS}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, env=env,
        preexec_fn=limited, timeout=300,
    )  # fmt: skip


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="POSIX file size limits")
def test_a_file_size_limit_is_named_and_the_run_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.db"
    run = ["fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "400000"]
    run += ["--seed", "4", "--keep-findings", "all", "--optimize", "time", "-q"]
    cut = _assay(*run, "--store", str(store), limit=1_500_000)
    assert cut.returncode == 4, cut.stderr
    said = " ".join(cut.stderr.split())
    assert "disk I/O error" in said and "ulimit -f" in said and "assay resume" in said, said
    resumed = _assay("resume", _only_run(capsys, store), "--store", str(store), "-q")
    # (ci53b: the run never stopped, and the reading commands, run in this process: only the
    # run cut by the limit and its resume need processes of their own)
    clean = assay_here(capsys, *run, "--store", str(tmp_path / "clean.db"), env=CHECKPOINTS)
    assert (resumed.returncode, clean.returncode) == (1, 1), resumed.stderr[-800:]
    assert _found(capsys, store) == _found(capsys, tmp_path / "clean.db") > 0


def _only_run(capsys: pytest.CaptureFixture[str], store: Path) -> str:
    listed = assay_here(capsys, "runs", "--store", str(store), "--json")
    (made,) = json.loads(listed.stdout)["runs"]
    return str(made["id"])


def _found(capsys: pytest.CaptureFixture[str], store: Path) -> int:
    run = _only_run(capsys, store)
    doc = json.loads(assay_here(capsys, "report", run, "--store", str(store), "--json").stdout)
    return int(doc["findings"]["total"])
