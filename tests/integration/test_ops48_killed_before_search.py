"""ops48: a session killed (``kill -9``) before its search began kept no search start
(left45w kept one as each search begins): the resumed run's wall clock, and every rate
over it, lacked that session's seconds (a fairness run: 3.7 s and 2,570 IDIs per second
where its two sessions took 12.5 s).  Each session's seconds now ride its writes
(``core.session_clock``): the killed session counts through its last write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore

SLOW = 4.0  # the seconds the killed session's loading is made longer, before its run's creation

# the CLI in a process whose loading takes SLOW s more (before the run is created), killed
# (SIGKILL: nothing written after) as its checks before the search begin
KILLED = """
import os, signal, sys, time
import assay.core.store as store
import assay.fairness.check as check
create = store.RunStore.create_run
def slow_create(self, **kwargs):
    time.sleep({slow})
    return create(self, **kwargs)
store.RunStore.create_run = slow_create
def killed(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
check._flip_check = killed
from assay.cli.app import main
main(sys.argv[1:])
""".replace("{slow}", str(SLOW))


def killed_run(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A fairness run of ``script`` (the CLI, patched) into ``tmp_path/runs.db``, killed."""
    args = ["fairness", "--dataset", "german", "--max-queries", "20000", "--seed", "3"]
    args += ["--store", str(tmp_path / "runs.db"), "--quiet"]
    here = str(Path(assay.__file__).parents[1])  # (the assay under test)
    killed = subprocess.run(
        [sys.executable, "-c", script, *args], env={**os.environ, "PYTHONPATH": here},
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    return killed


def test_a_run_killed_before_its_search_counts_that_session_in_its_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "runs.db"
    killed_run(KILLED, tmp_path)
    with RunStore(store, read_only=True) as runs:
        (run,) = runs.list_runs()
        kept = runs.get_run(run.id).config.get("session_clock")
    assert kept is not None and kept[0] == 0.0 and kept[1] >= SLOW, kept  # (main: none)
    with pytest.raises(SystemExit):
        main(["resume", run.id, "--store", str(store), "--report", "r.json", "--quiet"])
    report = json.loads((tmp_path / "r.json").read_text())["run"]
    with RunStore(store, read_only=True) as runs:
        starts = runs.get_run(run.id).config["budget"]["search_sessions"]
    # the resumed session's search began after the killed session's seconds and its own
    # loading (main: its own loading alone, under SLOW)
    ((began, _),) = starts
    assert began >= kept[1], starts
    wall = float(report["summary"]["wall_seconds"])
    engine = float(report["progress"]["elapsed"])
    assert wall >= kept[1] + engine, (wall, kept, engine)
    metrics = report["summary"]["metrics"]
    ids = float(report["n_findings"])
    rate = metrics["IDIs per second (wall clock from the run's start)"]
    assert rate == pytest.approx(ids / wall, rel=0.02, abs=1.0)
