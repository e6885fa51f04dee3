"""assay as an SRE runs it under process supervision and in shell pipelines (ops45): closed
standard streams, signals, a store shared with another process, locales and terminals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import assay
from assay.core.store import RunStore

SRC = str(Path(assay.__file__).parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC}
FAIR = ["fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "300", "--seed", "1"]  # fmt: skip


def _shell(redirect: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``assay ARGS`` started by a shell with ``redirect`` (``>&-``: stdout closed)."""
    line = 'exec "$@" ' + redirect
    return subprocess.run(
        ["bash", "-c", line, "bash", sys.executable, "-m", "assay", *args],
        capture_output=True, text=True, env=ENV, cwd=cwd, timeout=120,
    )  # fmt: skip


def test_a_closed_stdout_or_stderr_neither_crashes_nor_changes_the_verdict(
    tmp_path: Path,
) -> None:
    """``assay ... >&-``: Python starts with ``sys.stdout`` None; every command ended on an
    ``AttributeError`` traceback with exit 1 ("found" to CI: ``assay runs`` too), and under
    ``2>&-`` no run was made at all (exit 1, nothing stored)."""
    store = str(tmp_path / "s.db")
    run = _shell("2>&-", *FAIR, "--store", store, "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stdout  # found, as with every stream open
    document = json.loads(run.stdout)
    with RunStore(store, read_only=True) as opened:
        runs = opened.list_runs()
    assert [r.id for r in runs] == [document["run_id"]]
    assert runs[0].status == "completed" and runs[0].n_findings > 0
    listed = _shell(">&-", "runs", "--store", store, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr, listed.stderr
    assert listed.stderr.count("stdout was closed") == 1, listed.stderr
    both = _shell(">&- 2>&-", "show", runs[0].id, "--store", store, cwd=tmp_path)
    assert both.returncode == 0
