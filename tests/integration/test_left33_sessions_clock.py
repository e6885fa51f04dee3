"""left33: text and backdoor runs' sessions and wall clocks (serve32's Left 4).

- a text or backdoor run never stopped had no ``sessions`` key (fairness runs always say it);
- a text or backdoor run killed in the checks after its search had kept no wall clock (it
  was recorded as the session ended), so its finish counted the killed session's engine
  seconds alone: its loading (and so the rates, per wall-clock second of the whole run)
  were missing.  The wall clock through the search is now kept as the search ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_resume30_finish import BACKDOOR, TEXT, exit_of, files, killed_at, the_run

import assay

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

SLOW_LOADING = 3.0  # seconds the classifiers' module takes to import

CLASSIFIERS = f"""
import time

time.sleep({SLOW_LOADING})  # a classifier slow to load


def a(xs):
    return ["pos" if ("good" in x and "not" not in x) else "neg" for x in xs]


def b(xs):
    return ["pos" if "good" in x else "neg" for x in xs]
"""


def _wall(store: Path) -> float:
    record, _ = the_run(store)
    return float(record.summary["metrics"]["wall-clock seconds"])


@pytest.mark.parametrize("args", [TEXT, BACKDOOR], ids=["text", "backdoor"])
def test_a_run_never_stopped_says_its_one_session(files: Path, args: list[str]) -> None:
    assert exit_of([*args, "--store", str(files / "s.db"), "--quiet"]) in (0, 1)
    record, _ = the_run(files / "s.db")
    assert record.summary.get("sessions") == 1


@pytest.mark.parametrize(
    ("args", "where"),
    [(TEXT, "assay.text.recheck:recheck"), (BACKDOOR, "assay.backdoor.api:record_steadiness")],
    ids=["text", "backdoor"],
)
def test_a_run_killed_after_its_search_kept_its_wall_clock(
    files: Path, args: list[str], where: str
) -> None:
    killed = files / "killed.db"
    done = killed_at(where, args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    # through the search's end, loading included: more than the engine's own seconds
    kept = record.summary.get("metrics", {}).get("wall-clock seconds")
    assert kept is not None and kept > float(record.progress["elapsed"]), (kept, record.progress)
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) in (0, 1)
    assert _wall(killed) > kept
    finished, _ = the_run(killed)
    assert finished.summary.get("sessions") == 2


def test_a_text_runs_finish_counts_the_killed_sessions_loading(files: Path) -> None:
    """The killed session kept its wall clock through its search, its slow loading included;
    the finish loaded the classifiers again: the run's wall clock is the killed session's
    and one loading more.  (Compared with a clean run made after it before ci53: the load
    moving between the two runs moved the figures by more than the slack.)"""
    (files / "c.py").write_text(CLASSIFIERS)
    args = ["text", "c.py:a", "c.py:b", "--grammar", "builtin:reviews"]
    args += ["--max-queries", "2000", "--seed", "2"]
    killed = files / "killed.db"
    done = killed_at("assay.text.recheck:recheck", args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    kept = record.summary.get("metrics", {}).get("wall-clock seconds")
    assert kept is not None and kept >= SLOW_LOADING, record.summary.get("metrics")
    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}
    started = time.monotonic()
    resumed = subprocess.run(
        [sys.executable, "-m", "assay", "resume", record.id, "--store", str(killed), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    assert time.monotonic() - started >= SLOW_LOADING  # (the finish loaded them again)
    # the finish's wall clock added to the killed session's, not to its engine's seconds
    assert _wall(killed) >= kept + SLOW_LOADING - 1.0, (_wall(killed), kept)
