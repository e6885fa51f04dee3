"""A command whose stdout cannot be written (``> /dev/full``): a listing whose whole output is
its answer exits 2, as its ``--json`` form does, and says so worded for what it is (left45o).

Before, ``assay runs > /dev/full`` and ``assay show RUN > /dev/full`` exited 0 (nothing
written, "found nothing" to CI) with "the rest of the output is dropped, the run goes on",
while ``--json`` exited 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore

SRC = str(Path(assay.__file__).parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC}
FAIR = ["fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "300", "--seed", "1"]  # fmt: skip

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def _full(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``assay ARGS > /dev/full``."""
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [sys.executable, "-m", "assay", *args], stdout=full, stderr=subprocess.PIPE,
            text=True, env=ENV, cwd=cwd, timeout=120,
        )  # fmt: skip


def test_a_listing_not_written_exits_2_and_a_run_goes_on(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    made = _full(*FAIR, "--store", store, cwd=tmp_path)
    assert made.returncode == 1, made.stderr  # the run's verdict, as ops45 left it
    assert "the run goes on" in made.stderr and "Traceback" not in made.stderr
    with RunStore(store, read_only=True) as opened:
        (run,) = opened.list_runs()
    assert run.status == "completed" and run.n_findings > 0
    for args, what in (
        (["runs"], "the list of runs is lost"),
        (["show", run.id], f"the summary of run {run.id} is lost"),
        (["prune", "--keep-last", "0", "--dry-run"], "the list of runs it would delete"),
    ):
        done = _full(*args, "--store", store, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert "stdout cannot be written (No space left on device)" in done.stderr
        assert what in done.stderr and "the run goes on" not in done.stderr, done.stderr
        as_json = _full(*args, "--store", store, "--json", cwd=tmp_path)
        assert as_json.returncode == 2, (args, as_json.stderr)  # (as before)
    # a command whose lines comment on what it did: its own exit code, worded for it
    report = _full("report", run.id, "--store", store, "--html", "r.html", cwd=tmp_path)
    assert report.returncode == 1 and (tmp_path / "r.html").exists(), report.stderr
    assert "assay report goes on" in report.stderr, report.stderr
    # a reader that goes away is no failure of the listing (``| head -1``)
    piped = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$@" | head -c 1 >/dev/null', "bash",
         sys.executable, "-m", "assay", "runs", "--store", store],
        capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0 and "cannot be written" not in piped.stderr, piped.stderr
