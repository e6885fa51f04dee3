"""left49r: a notebook keeps one ``RunStore`` and calls the Python API on it twice: a run
stopped, then resumed a moment later through the same store object.  The resumed session
rode the first call's session clock (its name, its start: the idle seconds between the two
calls counted as the run's) and no heartbeat beat for it, so a process killed in that
session (a slow model call) lost every second after the resume's first write: the run's
wall clock was short by them and its IDIs per second flattered.  Each call now rides a
clock of its own, with its heartbeat (``RunStore._ride_session``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_api_session_hostile12 import _frame as frame

import assay
from assay.core.heartbeat import BOUND_SECONDS
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

GAP = 1.0  # the notebook's idle seconds between the two calls
SLOW = 4.0  # the seconds the resumed session's model call takes before the kill

# one process, one store object: a run stopped early, resumed GAP s later; in the resumed
# session a model call takes SLOW s, then the process is killed (SIGKILL: nothing written)
SCRIPT = """
import os, signal, sys, threading, time
import assay
from assay.core.store import RunStore
from test_left49r_same_store_resume import by_sex, frame
store = RunStore(sys.argv[1])
calls = [0, None, None]
def model(rows):
    calls[0] += 1
    if calls[1] is not None and calls[0] >= calls[1]:
        time.sleep({slow})
        sys.stderr.write("ran2 %.3f\\n" % (time.monotonic() - calls[2]))
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return by_sex(rows)
model.classes_ = (0, 1)
stop = threading.Event()
def progress(p):
    if p.get("queries", 0) > 300:
        stop.set()
t0 = time.monotonic()
res = assay.check_fairness(model, data=frame(), protected=["sex"], max_queries=200000,
                           seed=1, store=store, stop=stop, on_progress=progress)
sys.stderr.write("ran1 %.3f %s %s\\n" % (time.monotonic() - t0, res.run_id, res.status))
time.sleep({gap})
calls[1], calls[2] = calls[0] + 20, time.monotonic()
assay.resume_run(res.run_id, store=store, model=model, data=frame())
""".replace("{slow}", str(SLOW)).replace("{gap}", str(GAP))


def by_sex(rows: object) -> np.ndarray:
    out: np.ndarray = (np.asarray(rows, dtype=object)[:, 2] == "M").astype(np.int64)
    return out


by_sex.classes_ = (0, 1)  # type: ignore[attr-defined]


def test_a_run_resumed_through_the_same_store_object_counts_its_killed_session(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    here = [str(Path(assay.__file__).parents[1]), str(Path(__file__).parent)]
    killed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True,
        timeout=300, cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(here)},
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    said = killed.stderr.split("ran1 ")[-1].split()
    ran1, run_id, status = float(said[0]), said[1], said[2]
    ran2 = float(killed.stderr.split("ran2 ")[-1].split()[0])
    assert status == "interrupted", killed.stderr
    with RunStore(path, read_only=True) as store:
        kept = store.get_run(run_id).config["session_clock"]
    # the killed session's own clock, beating (main: the first call's, its beat 0)
    assert kept[3] == BOUND_SECONDS and float(kept[1]) >= ran2 - 1.5, (kept, ran1, ran2)
    assert float(kept[0]) <= ran1, (kept, ran1)  # (the first call's seconds, no idle ones)
    result = assay.resume_run(run_id, store=path, model=by_sex, data=frame())
    with RunStore(path, read_only=True) as store:
        record = store.get_run(run_id)
    began = record.config["budget"]["search_sessions"][-1][0]
    # the last session's search began after both sessions' seconds (main: ran1 + GAP, SLOW
    # short), and not after them and the idle gap and more than the bound
    assert ran1 + ran2 <= began <= ran1 + ran2 + BOUND_SECONDS + 1.0, (began, ran1, ran2, kept)
    assert record.config["sessions_cut"] == [1, BOUND_SECONDS], record.config.get("sessions_cut")
    wall = float(result.summary["wall_seconds"])
    rate = result.summary["metrics"]["IDIs per second (wall clock from the run's start)"]
    assert rate == pytest.approx(result.n_findings / wall, rel=0.02, abs=1.0)


def test_fifty_calls_on_one_store_object_leave_no_beat_and_no_clock(tmp_path: Path) -> None:
    # (beats of stores an earlier test in this process left open are not this test's: an
    # in-process `assay resume` through CliRunner keeps its store until the process ends)
    earlier = set(_beating())
    store = RunStore(tmp_path / "s.db")
    try:
        for seed in range(25):
            stop = threading.Event()

            def progress(p: dict[str, Any], stop: threading.Event = stop) -> None:
                if p.get("queries", 0) > 200:
                    stop.set()

            result = assay.check_fairness(
                by_sex, data=frame(), protected=["sex"], max_queries=3000, seed=seed,
                store=store, stop=stop, on_progress=progress,
            )  # fmt: skip
            assert result.status == "interrupted"
            assay.resume_run(result.run_id, store=store, model=by_sex, data=frame())
            # between calls: no heartbeat, and no clock to ride the next call's writes
            assert not store._hearts, (seed, store._hearts)
            assert not any(store._riders.values()), (seed, store._riders)
        deadline = time.monotonic() + 5.0
        while set(_beating()) - earlier and time.monotonic() < deadline:
            time.sleep(0.05)
        beating = set(_beating()) - earlier
        assert not beating, beating
        assert not store._others  # (each beat's own connection closed as its thread ended)
    finally:
        store.close()


def _beating() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "assay-heartbeat"]
