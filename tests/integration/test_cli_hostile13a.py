"""A hostile review of the run lifecycle as CI jobs and careless shell users meet it
(thirteenth session, hostile13a): two processes on one run, interrupts outside the search,
runs refused before they exist, broken pipes, runs that tested nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from assay.core.store import RunStore
from assay.errors import UsageError

SRC = str(Path(__file__).resolve().parents[2] / "src")
ENV = {**os.environ, "PYTHONPATH": SRC}

# a fairness model of about 0.2 s a call that discriminates on sex for the over-60s
SLOW = """
import time
import numpy as np
def predict(x):
    time.sleep(float(__import__("os").environ.get("SLOW_SECONDS", "0.2")))
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) & (x[:, 2] == 1)).astype(int)
predict.classes_ = [0, 1]
"""


def _assay(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _people(tmp: Path) -> None:
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"]
    for _ in range(200):
        rows.append(f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}")
    (tmp / "people.csv").write_text("\n".join(rows) + "\n")


def _fairness_args(model: str, *more: str) -> list[str]:
    base = ["fairness", model, "--data", "people.csv", "--protected", "sex", "--seed", "1"]
    return [*base, *more]


def _start(tmp: Path, *args: str, until: str = "search:") -> tuple[subprocess.Popen[str], str]:
    """``assay ARGS`` in the background, once it printed ``until`` on stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay", *args], cwd=tmp, env=ENV,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = ""
    while until not in seen:
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    return proc, seen


def _run_id(text: str, technique: str = "fairness") -> str:
    return next(w for w in text.split() if w.startswith(f"{technique}-")).rstrip(":,")


def _junit(path: Path) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()
    return int(root.get("tests", 0)), int(root.get("failures", 0)), int(root.get("errors", 0))


# -- lead 1: one process at a time on a run ------------------------------------------------


HOLDER = """
import sys, time
from assay.core.store import RunStore
store = RunStore(sys.argv[1])
store.create_run(run_id=sys.argv[2], technique="fairness", seed=1, command="x", config={},
                 model={}, versions={})
print("ready", flush=True)
time.sleep(600)
"""


def _holder(tmp: Path, run_id: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp / "s.db"), run_id], env=ENV,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_a_run_is_owned_by_one_process_and_its_lock_dies_with_it(tmp_path: Path) -> None:
    """Nothing stopped a second process from running a run that another was running (two
    `assay resume RUN` at once, or a resume pasted from a run's start line while it still
    ran): both wrote one run's findings, checkpoints and status.  Now a run is owned by the
    process that made or resumes it; another is refused, naming it; a kill -9 of the owner
    frees the run at once (no stale lock)."""
    proc = _holder(tmp_path, "fairness-r1")
    try:
        other = RunStore(tmp_path / "s.db")
        with pytest.raises(UsageError, match=f"being run by process {proc.pid} on host"):
            other.checkpoint("fairness-r1", status="running")
        assert other.get_run("fairness-r1").status == "running"
        assert other.owner("fairness-r1") is not None
        assert not other.abandoned("fairness-r1")
    finally:
        proc.kill()
        proc.communicate()
    assert other.owner("fairness-r1") is None
    assert other.abandoned("fairness-r1")  # its process died running it: stalled at once
    other.checkpoint("fairness-r1", status="running")  # free: kill -9 left no lock
    other.checkpoint("fairness-r1", status="interrupted")
    other.close()
    assert not (tmp_path / "s.db-locks").exists()  # released and removed


def test_the_api_resume_of_a_run_another_process_runs_is_refused(tmp_path: Path) -> None:
    """`assay.resume_run` (the API, and the CLI through it) of a run another process still
    runs: refused before anything is loaded or written (it read the run as 'running' and
    could restart it after the other process had ended it, from no state: every finding
    truncated)."""
    from assay.api import resume_run

    proc = _holder(tmp_path, "fairness-r2")
    try:
        with pytest.raises(UsageError, match="being run by process"):
            resume_run("fairness-r2", store=tmp_path / "s.db")
    finally:
        proc.kill()
        proc.communicate()
    with RunStore(tmp_path / "s.db", read_only=True) as store:
        assert store.get_run("fairness-r2").status == "running"


def test_resume_while_the_run_still_runs_is_refused_and_the_run_loses_nothing(
    tmp_path: Path,
) -> None:
    """The CLI: `assay resume RUN` pasted from the start line of a run that still runs
    (exit 2, the owner named, before loading anything), and the run ends as one run alone
    would (same findings, its JUnit file)."""
    (tmp_path / "slow.py").write_text(SLOW)
    _people(tmp_path)
    alone = _assay(
        *_fairness_args("slow.py:predict", "--max-queries", "3000", "--store", "a.db"),
        cwd=tmp_path,
    )
    assert alone.returncode == 1, alone.stderr
    args = _fairness_args("slow.py:predict", "--max-queries", "3000", "--store", "s.db")
    proc, seen = _start(tmp_path, *args, "--junit", "j.xml")
    run_id = _run_id(seen)
    second = _assay("resume", run_id, "--store", "s.db", "--junit", "k.xml", cwd=tmp_path)
    _, err = proc.communicate(timeout=300)
    assert second.returncode == 2, second.stderr
    assert f"being run by process {proc.pid}" in second.stderr, second.stderr
    assert _junit(tmp_path / "k.xml") == (1, 0, 1)  # the refusal, as CI reads it
    assert proc.returncode == 1, err
    with RunStore(tmp_path / "a.db", read_only=True) as one:
        first = one.list_runs()[0]
    with RunStore(tmp_path / "s.db", read_only=True) as two:
        run = two.get_run(run_id)
    assert (run.status, run.n_findings) == (first.status, first.n_findings)
    assert _junit(tmp_path / "j.xml")[1] >= 1
