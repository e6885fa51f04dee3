"""mutation50: a run's heartbeat through the store (``RunStore``): a beat that finds the
store busy with another writer skips that beat and beats on once it is free (a CI job's
second process holding the store for two seconds must not stop the clock for good)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from assay.core.clock import entered
from assay.core.heartbeat import BEAT_SECONDS
from assay.core.store import RunStore

ARGS: dict[str, Any] = dict(
    technique="fairness", seed=1, command="c", config={}, model={}, versions={}
)


def _own(path: Path, run_id: str) -> float:
    with RunStore(path, read_only=True) as store:
        clock = store.get_run(run_id).config["session_clock"]
    return float(clock[1])


def test_a_beat_on_a_busy_store_is_skipped_and_the_beats_go_on(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id="fairness-b", **ARGS)
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # (another writer holds the store)
        time.sleep(2.5 * BEAT_SECONDS)
        other.execute("ROLLBACK")
        other.close()
        held = time.monotonic()
        time.sleep(2.5 * BEAT_SECONDS)
        own = _own(path, "fairness-b")
        assert store._hearts["fairness-b"].beating
        store.checkpoint("fairness-b", status="interrupted")
    # a beat after the writer let go: its own seconds past the 2.5 s held
    assert own >= 2.5 * BEAT_SECONDS + 0.5, (own, held)
