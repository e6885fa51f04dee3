"""ops49: a run's session clock is written every second by a heartbeat (``core.heartbeat``),
not only with the run's writes: a session killed in a phase that writes nothing (its
loading, its checks, a slow model's batch) is counted through its last beat plus the beat.
A session that stopped in words (interrupted, ended) says so (its beat 0) and is counted as
it said, with no note; one killed while it beat is counted with the beat added and noted."""

from __future__ import annotations

import time
from pathlib import Path

from assay.core.clock import entered
from assay.core.heartbeat import BEAT_SECONDS, BOUND_SECONDS, cut_note
from assay.core.session_clock import through_last_write
from assay.core.store import RunStore

ARGS = dict(technique="fairness", seed=1, command="c", config={}, model={}, versions={})


def _clock(path: Path, run_id: str) -> list[object]:
    with RunStore(path, read_only=True) as store:
        clock = store.get_run(run_id).config["session_clock"]
    assert isinstance(clock, list)
    return clock


def test_the_clock_beats_between_writes_and_stops_in_words(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id="fairness-a", **ARGS)
        time.sleep(2.5 * BEAT_SECONDS)  # (no write of the run's own meanwhile)
        beating = _clock(path, "fairness-a")
        store.checkpoint("fairness-a", status="interrupted")
        stopped = _clock(path, "fairness-a")
    # written by the beats (main: its creation's 0 s, no beat)
    assert float(beating[1]) >= 1.5 * BEAT_SECONDS and beating[3] == BOUND_SECONDS, beating
    assert stopped[3] == 0.0 and float(stopped[1]) >= float(beating[1]), stopped
    with entered(time.monotonic()), RunStore(path) as store:  # (another session resumes it)
        store.claim("fairness-a")
        config = store.get_run("fairness-a").config
        store.checkpoint("fairness-a", status="interrupted")
    assert "sessions_cut" not in config and cut_note(config) is None, config


def test_a_session_killed_while_it_beat_is_counted_with_the_beat_and_noted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    with entered(time.monotonic()), RunStore(path) as store:
        store.create_run(run_id="fairness-k", **ARGS)
        # (killed: its clock as its last beat wrote it, the run left running)
        store._stop_beating()
        store.ride("fairness-k", "session_clock", None)
        store.set_config("fairness-k", session_clock=[0.0, 7.5, "1:2.0", BOUND_SECONDS])
    config = {"session_clock": [0.0, 7.5, "1:2.0", BOUND_SECONDS]}
    assert through_last_write(config) == 7.5 + BOUND_SECONDS
    assert through_last_write({"session_clock": [0.0, 7.5, "1:2.0", 0.0]}) == 7.5
    assert through_last_write(config, "failed") == 7.5  # (it stopped in words)
    with entered(time.monotonic()), RunStore(path) as store:
        store.claim("fairness-k")
        store.checkpoint("fairness-k", status="interrupted")
    with RunStore(path, read_only=True) as store:
        config = store.get_run("fairness-k").config
    assert config["sessions_cut"] == [1, BOUND_SECONDS], config
    assert float(config["session_clock"][0]) >= 7.5 + BOUND_SECONDS, config
    note = cut_note(config)
    assert note is not None and note.startswith("1 earlier session of this run ended without")


def test_the_beats_stop_when_the_store_is_replaced_under_the_run(tmp_path: Path) -> None:
    import os

    import pytest

    from assay.errors import StoreError

    other = tmp_path / "other.db"
    with RunStore(other) as store:
        for n in ("fairness-1", "fairness-2"):
            store.create_run(run_id=n, **ARGS)
            store.checkpoint(n, status="completed", summary={})
    path = tmp_path / "s.db"
    store = RunStore(path)
    store.create_run(run_id="fairness-r", **ARGS)
    time.sleep(1.5 * BEAT_SECONDS)  # (beating)
    os.replace(other, path)  # (a store moved in over it: ``mv``, a CI cache restored)
    time.sleep(2.5 * BEAT_SECONDS)  # (no beat may write into the store moved in)
    with pytest.raises(StoreError, match="deleted or replaced"):
        store.checkpoint("fairness-r", status="interrupted")
    store.close()
    with RunStore(path, read_only=True) as moved_in:
        assert sorted(r.id for r in moved_in.list_runs()) == ["fairness-1", "fairness-2"]


def test_a_long_lived_store_keeps_no_connection_of_a_session_that_ended(tmp_path: Path) -> None:
    with entered(time.monotonic()), RunStore(tmp_path / "s.db") as store:
        store.create_run(run_id="fairness-l", **ARGS)
        time.sleep(1.5 * BEAT_SECONDS)  # (a beat: through its thread's own connection)
        assert len(store._others) == 1, store._others
        store.checkpoint("fairness-l", status="interrupted")
        deadline = time.monotonic() + 5.0
        while store._others and time.monotonic() < deadline:
            time.sleep(0.05)
        # closed as its thread ended (kept, a web app's store object resuming run after run
        # held one more connection a session until it closed)
        assert not store._others, store._others
