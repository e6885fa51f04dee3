"""A fairness run resumed or finished in another session counts that session's phases and
wall clock with its earlier sessions': ``seconds_by_phase`` over all of them, and rates per
wall-clock second of the whole run.  A finished (or resumed) run once had no
``seconds_by_phase``, and its wall clock counted the killed session's engine time only (its
loading, its checks and whatever answer it made were lost): resume30's Left."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from resume29b_files import KILLED, write_people

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

LOADING = 1.5  # seconds each session spends importing the model

SLOW = f"""
import time

import numpy as np

time.sleep({LOADING})  # (a slow import: every session's loading)


def biased(x):
    x = np.asarray(x, dtype=float)
    return (x[:, 0] + 30 * x[:, 2] > 60).astype(int)
"""

ARGS = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
ARGS += ["--max-queries", "3000", "--seed", "1", "--quiet", "--store", "s.db"]


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.py").write_text(SLOW)
    write_people(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assay_run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -c SCRIPT ARGS`` (a process of its own: the model imported anew)."""
    return subprocess.run(
        [sys.executable, "-c", *args],
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )


def summary_of(store: Path) -> tuple[str, dict[str, Any]]:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        return run.id, dict(s.get_run(run.id).summary)


def test_a_run_finished_after_a_kill_counts_both_sessions(files: Path) -> None:
    done = assay_run(KILLED, "assay.fairness.answer:compute_answer", *ARGS)
    assert done.returncode == -9, done.stderr
    run_id, killed = summary_of(files / "s.db")
    # kept as the search ended: the killed session's loading, checks and search
    first = killed["seconds_by_phase"]
    assert first["loading"] >= LOADING and first["search"] > 0 and "answer" not in first
    resumed = assay_run(
        "from assay.cli.app import main; import sys; main(sys.argv[1:])",
        "resume",
        run_id,
        "--store",
        "s.db",
        "--quiet",
    )
    assert resumed.returncode == 1, resumed.stderr
    _, finished = summary_of(files / "s.db")
    phases = finished["seconds_by_phase"]
    assert phases["loading"] >= 2 * LOADING, phases  # (both sessions loaded the model)
    assert phases["search"] == first["search"] and phases["answer"] > 0 and "checks" in phases
    wall = finished["wall_seconds"]
    assert wall >= sum(phases.values()) - 0.01 and wall >= 2 * LOADING
    assert finished["metrics"]["wall-clock seconds"] == round(wall, 2)
    idis = finished["search"]["idis"]
    assert finished["idis_per_wall_second"] == pytest.approx(idis / wall)


def test_a_resumed_run_counts_its_sessions_phases(files: Path) -> None:
    """Stopped in its search (``stop=``), resumed: the phases of both sessions."""
    stop = threading.Event()

    def at(p: dict[str, Any]) -> None:
        if p.get("phase") == "search" and int(p.get("queries") or 0) > 0:
            stop.set()

    options: dict[str, Any] = {"model": "m.py:biased", "data": "people.csv", "seed": 1}
    options.update(protected="sex", max_queries=3000, store=files / "s.db")
    first = assay.check_fairness(**options, on_progress=at, stop=stop)
    assert first.status == "interrupted"
    before = first.summary["seconds_by_phase"]
    resumed = assay.resume_run(first.run_id, store=files / "s.db")
    phases = resumed.summary["seconds_by_phase"]
    assert phases["loading"] >= before["loading"] and phases["search"] > before["search"]
    assert "answer" in phases and "checks" in phases
    wall = resumed.summary["wall_seconds"]
    assert wall >= sum(phases.values()) - 0.01
