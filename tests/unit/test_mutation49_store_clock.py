"""mutation49: each session's seconds ride every write of its run (``core.store``'s riders,
``core.session_clock``, ops48): a created run's and a resumed run's, each its own session."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from assay.core import session_clock
from assay.core.clock import entered
from assay.core.session_clock import SESSION_CLOCK
from assay.core.store import RunStore


def _create(store: RunStore) -> None:
    store.create_run(
        run_id="r-1",
        technique="fairness",
        seed=0,
        command="assay fairness m.py --data d.csv --protected sex",
        config={},
        model={},
        versions={},
    )


def test_a_runs_writes_carry_its_sessions_seconds_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (STO3) the entry made at its creation is brought up to date by each later write (the
    # session's clock faked: 10 s into the call at its creation, 25 s at its checkpoint)
    now = [1_000.0]
    monkeypatch.setattr(session_clock, "time", SimpleNamespace(monotonic=lambda: now[0]))
    with entered(990.0), RunStore(tmp_path / "runs.db") as store:
        _create(store)
        first = store.get_run("r-1").config[SESSION_CLOCK]
        now[0] = 1_015.0
        store.checkpoint("r-1", progress={"elapsed": 1.0})
        later = store.get_run("r-1").config[SESSION_CLOCK]
    assert first[:2] == [0.0, 10.0], first
    assert later[:2] == [0.0, 25.0], later


def test_a_resumed_run_rides_the_resuming_sessions_seconds(tmp_path: Path) -> None:
    # (STO1, STO5) a session claiming a stored run (a resume) writes its own seconds, named
    # as its own, after the earlier sessions'
    with entered(time.monotonic() - 5.0), RunStore(tmp_path / "runs.db") as store:
        _create(store)
        store.checkpoint("r-1", status="failed", error="killed")
    later = time.monotonic() - 2.0
    with entered(later), RunStore(tmp_path / "runs.db") as store:
        store.claim("r-1")
        store.checkpoint("r-1", progress={"elapsed": 1.0})
        kept = store.get_run("r-1").config[SESSION_CLOCK]
    assert kept[2] == f"{os.getpid()}:{later!r}", kept
    assert kept[0] >= 5.0 and kept[1] >= 2.0, kept
