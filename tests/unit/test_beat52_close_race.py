"""beat52: no connection a heartbeat uses is closed while it may beat (``core.heartbeat``,
``RunStore``).  hostile52b saw ``assay backdoor`` die with SIGSEGV (exit 139, no JUnit file)
once in eight runs, the fault in a beat's statement (``RunStore._write_beat``): the run's
store, dropped as ``check_backdoor`` returned while its run still beat, was finalized
(``RunStore.__del__``) closing the beat's connection, and the heart's weak reference still
answered the store during that finalization, so a beat ran on the connection being closed.

Now a store's beats are stopped, and their threads ended (each closes its own connection on
its own thread), before any of its connections is closed, by ``close`` and by its
finalizer alike; a heartbeat's ``stop`` returns once its thread has ended; the beats still
going at the interpreter's exit are stopped before it finalizes.  The stress runs in a
subprocess so that a segfault is a failed assertion on its exit code."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import assay.core.store as store_module
from assay.core.heartbeat import Heartbeat
from assay.core.store import RunStore

ARGS: dict[str, Any] = dict(
    technique="backdoor", seed=0, command="c", config={}, model={}, versions={}
)

# many stores on four threads, each beating every 0.2 ms, dropped (or closed) a moment
# after their run began: a drop or a close lands while a beat runs
STRESS = """
import functools, os, sys, threading, time
import assay.core.store as st
from assay.core.heartbeat import Heartbeat

sys.setswitchinterval(1e-6)
st.Heartbeat = functools.partial(Heartbeat, every=0.0002)
failed = []
write = st.RunStore._write_beat

def beat(self, run_id, clock):
    try:
        write(self, run_id, clock)
    except Exception as exc:  # (a beat on a connection closed under it)
        failed.append(repr(exc))
        raise

st.RunStore._write_beat = beat
folder, how, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])

def work(t):
    path = os.path.join(folder, f"runs{t}.db")
    for i in range(rounds):
        s = st.RunStore(path, compaction="off")
        s.create_run(run_id=f"backdoor-{i}", technique="backdoor", seed=0, command="c",
                     config={}, model={}, versions={})
        time.sleep(0.001)
        if how == "resume":  # (its session let go of, the run claimed again)
            s.let_go(f"backdoor-{i}")
            s.claim(f"backdoor-{i}")
            time.sleep(0.001)
        if how != "drop":
            s.close()
        del s

threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("beats failed:", len(failed), failed[:3])
"""


@pytest.mark.parametrize("how", ["drop", "close", "resume"])
def test_stores_dropped_or_closed_while_they_beat_never_crash(tmp_path: Path, how: str) -> None:
    # (main: "drop" dies with SIGSEGV, exit -11, in ``_write_beat``, in well under a second)
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", STRESS, str(tmp_path), how, "100"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    assert "beats failed: 0 " in done.stdout, done.stdout


def test_a_store_dropped_while_a_beat_runs_closes_nothing_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finalizer of a store dropped with its run beating: the beat under way (its heart
    reached the store as it was being finalized) ends before any connection is closed."""
    monkeypatch.setattr(store_module, "Heartbeat", functools.partial(Heartbeat, every=0.01))
    dropping, in_beat = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    write, disarm = RunStore._write_beat, store_module.disarm

    def beat(self: RunStore, run_id: str, clock: Any) -> None:
        if dropping.is_set():  # (this beat reached the store in its finalizer)
            db = self._db
            in_beat.set()
            time.sleep(0.3)  # (the finalizer goes on meanwhile)
            try:
                db.execute("SELECT 1").fetchall()
            except sqlite3.Error as exc:
                errors.append(exc)
        write(self, run_id, clock)

    def slow_disarm(key: int) -> None:
        if dropping.is_set():
            in_beat.wait(10.0)  # (a beat begins while the store is finalized)
        disarm(key)

    monkeypatch.setattr(RunStore, "_write_beat", beat)
    monkeypatch.setattr(store_module, "disarm", slow_disarm)
    store = RunStore(tmp_path / "runs.db", compaction="off")
    store.create_run(run_id="backdoor-1", **ARGS)
    heart = store._hearts["backdoor-1"]
    dropping.set()
    del store  # (its finalizer runs here: the last reference)
    heart._thread.join(10.0)
    assert in_beat.is_set()
    # main: "Cannot operate on a closed database." (and, in a real race, a SIGSEGV)
    assert errors == []
    assert not heart._thread.is_alive()


def test_stop_returns_once_the_thread_has_ended_its_connection_closed() -> None:
    """``stop`` returns after the heartbeat's ``end`` ran on its own thread (its connection
    closed there), so that nothing closes that connection from another thread meanwhile."""
    ended: list[str] = []
    first = threading.Event()

    def end() -> None:
        time.sleep(0.2)  # (closing its connection)
        ended.append(threading.current_thread().name)

    heart = Heartbeat(first.set, every=0.01, end=end).start()
    assert first.wait(10.0)
    heart.stop()
    assert ended == ["assay-heartbeat"]  # main: [] (its end still under way)


def test_a_store_closed_leaves_no_beat_thread_and_closes_the_beats_connection_once(
    tmp_path: Path,
) -> None:
    with RunStore(tmp_path / "runs.db", compaction="off") as store:
        store.create_run(run_id="backdoor-2", **ARGS)
        heart = store._hearts["backdoor-2"]
        first = time.monotonic() + 10.0
        while not store._others and time.monotonic() < first:  # (its first beat)
            time.sleep(0.05)
        assert store._others  # (the beat's own connection)
    assert not heart._thread.is_alive() and store._others == []


def test_beats_going_at_the_interpreters_exit_are_stopped_before_it_finalizes() -> None:
    code = textwrap.dedent(
        """
        import threading, time
        from assay.core.heartbeat import Heartbeat
        first = threading.Event()
        Heartbeat(first.set, every=0.001, end=lambda: print("ended", flush=True)).start()
        first.wait(10.0)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ended\n"  # main: "" (a daemon thread cut off at finalization)
