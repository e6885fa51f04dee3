"""mutation37: a failed run's wall clock (``core.failed_clock``) keeps what this session
recorded and adds the earlier sessions' (mutants FC2-FC4 of bench/RESULTS.md's mutation37)."""

from __future__ import annotations

import time
from pathlib import Path

from assay.core.clock import entered
from assay.core.failed_clock import record_failed_clock
from assay.core.store import RunStore


def _failed(tmp: Path, sessions: int, summary: dict[str, object]) -> float | None:
    store = RunStore(str(tmp / "s.db"))
    try:
        store.create_run(
            run_id="r",
            technique="fairness",
            seed=0,
            command="assay fairness x",
            config={"sessions": sessions},
            model={},
            versions={},
        )
        store.checkpoint("r", status="failed", summary=summary)
        with entered(time.monotonic() - 5.0):  # this session began 5 s ago
            record_failed_clock(store, "r")
        metrics = (store.get_run("r").summary or {}).get("metrics") or {}
        seconds = metrics.get("wall-clock seconds")
        return None if seconds is None else float(seconds)
    finally:
        store.close()


def test_a_first_sessions_failure_records_its_own_seconds(tmp_path: Path) -> None:
    # (FC4) a figure stored before (an earlier attempt's, not a session's) is not added to
    # a first session's
    seconds = _failed(tmp_path, 1, {"metrics": {"wall-clock seconds": 100.0}})
    assert seconds is not None and 5.0 <= seconds < 100.0


def test_a_clock_this_session_recorded_before_failing_is_kept(tmp_path: Path) -> None:
    # (FC2) this session's own figure (recorded before a late failure) is not replaced
    kept = {"sessions": 2, "metrics": {"wall-clock seconds": 123.0}}
    assert _failed(tmp_path, 2, kept) == 123.0


def test_a_resumed_sessions_failure_adds_the_earlier_sessions(tmp_path: Path) -> None:
    # (FC3) the earlier sessions' 100 s (session 1's summary) and this one's 5 s
    seconds = _failed(tmp_path, 2, {"sessions": 1, "metrics": {"wall-clock seconds": 100.0}})
    assert seconds is not None and 105.0 <= seconds < 160.0
