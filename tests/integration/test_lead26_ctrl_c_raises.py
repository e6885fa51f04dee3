"""A Ctrl-C during an API run's search stopped the run at its checkpoint and *returned* a
result (status ``interrupted``): a script looping over models went on to the next model, so
Ctrl-C did not stop the program.  Now the run is stored as before, then ``RunInterrupted`` (a
``KeyboardInterrupt`` naming the run) is raised, as Python raises on Ctrl-C; the run resumes
to the findings of an uninterrupted run."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.run import RunInterrupted, pending_interrupt


class _CtrlCOnCall:
    """``predict`` that sends the process a Ctrl-C on its ``at``-th call."""

    def __init__(self, at: int) -> None:
        self.calls, self.at = 0, at

    def __call__(self, rows: Any) -> np.ndarray:
        self.calls += 1
        if self.calls == self.at:
            os.kill(os.getpid(), signal.SIGINT)
        a = np.asarray(rows)
        return ((a[:, 1].astype(float) <= 24) & (a[:, 8] != "female")).astype(int)


def _check(model: _CtrlCOnCall, store: Path) -> Any:
    return assay.check_fairness(
        model,
        dataset="german",
        protected="sex",
        max_queries=20_000,
        seed=1,
        store=store,
        overlap=False,
    )


def test_a_ctrl_c_in_the_search_stops_the_loop_and_leaves_the_run_resumable(
    tmp_path: Path,
) -> None:
    store = tmp_path / "r.db"
    asked: list[int] = []
    with pytest.raises(RunInterrupted) as stopped:
        for k in range(3):  # a script testing several models: Ctrl-C ends the script
            asked.append(k)
            _check(_CtrlCOnCall(at=8 if k == 0 else 10**9), store)
    assert asked == [0]
    run_id = stopped.value.run_id
    assert stopped.value.ended is None and f"assay.resume_run({run_id!r}" in str(stopped.value)
    with assay.RunStore(store, read_only=True) as s:
        assert s.get_run(run_id).status == "interrupted"
    resumed = assay.resume_run(run_id, store=store, model=_CtrlCOnCall(at=10**9))
    whole = _check(_CtrlCOnCall(at=10**9), store)
    assert resumed.status == whole.status == "completed"
    assert resumed.n_findings == whole.n_findings > 0
    assert pending_interrupt() is None  # nothing owed to a later call


def test_a_programs_own_ctrl_c_handler_is_called_and_nothing_is_raised(tmp_path: Path) -> None:
    heard: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: heard.append(signum))
    try:
        r = _check(_CtrlCOnCall(at=8), tmp_path / "r.db")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert r.status == "interrupted" and heard == [signal.SIGINT]
