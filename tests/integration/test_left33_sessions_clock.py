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
    (files / "c.py").write_text(CLASSIFIERS)
    args = ["text", "c.py:a", "c.py:b", "--grammar", "builtin:reviews"]
    args += ["--max-queries", "2000", "--seed", "2"]
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.text.recheck:recheck", args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}
    resumed = subprocess.run(
        [sys.executable, "-m", "assay", "resume", record.id, "--store", str(killed), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    started = time.monotonic()
    whole = subprocess.run(
        [sys.executable, "-m", "assay", *args, "--store", str(clean), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert whole.returncode == 1, whole.stderr
    assert time.monotonic() - started >= SLOW_LOADING
    # the killed session did all the run not killed did but its checks, then the finish
    # loaded the classifiers again: its wall clock is the whole run's and one loading more
    assert _wall(killed) >= _wall(clean) + SLOW_LOADING - 1.0, (_wall(killed), _wall(clean))
