"""left53 (beat52's gap 3): ``RunStore.close`` closed other threads' connections under
their statements.  A store gives each thread reading it a connection of its own
(``RunStore._db``); ``close``, from whichever thread closes the store, closed them all at
once, and CPython's ``Connection.close`` sets the handle another thread's statement is
still reading to NULL: a web app's thread reading a store its main thread closes died with
SIGSEGV (three of three runs of the stress below on main, within 200 closes).  Now a
connection's close waits for no statement: one under way ends on an open connection and
its own thread closes it (``core.store_conn.SharedConnection``); its next statement is
refused as on any closed connection.  The stress runs in a subprocess so that a segfault
is a failed assertion on its exit code."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from assay.core.store import RunStore

ARGS = dict(technique="fairness", seed=0, command="c", config={}, model={}, versions={})

# three threads read a store (its runs listed and counted) while the main thread closes it,
# a few milliseconds in, again and again
STRESS = """
import json, sys, threading, time
from assay.core.store import RunStore

sys.setswitchinterval(1e-6)
path, rounds = sys.argv[1], int(sys.argv[2])
s = RunStore(path, compaction="off")
for i in range(3):
    s.create_run(run_id=f"fairness-{i}", technique="fairness", seed=0, command="c",
                 config={}, model={}, versions={})
    s.let_go(f"fairness-{i}")
s.close()
kinds = set()

def read(s, stop):
    while not stop.is_set():
        try:
            s.list_runs()
            s.count_runs()
        except Exception as exc:
            kinds.add(f"{type(exc).__name__}: {exc}")
            return

for i in range(rounds):
    s = RunStore(path, compaction="off")
    stop = threading.Event()
    threads = [threading.Thread(target=read, args=(s, stop)) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.002)
    s.close()
    stop.set()
    for t in threads:
        t.join()
print(json.dumps(sorted(kinds)))
"""


def test_threads_reading_a_store_closed_under_them_do_not_crash(tmp_path: Path) -> None:
    script = tmp_path / "stress.py"
    script.write_text(STRESS)
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), str(tmp_path / "runs.db"), "200"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # (main: -11, SIGSEGV)
    # a reader's next statement after the close: refused as on a closed connection, nothing else
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(said) <= {"ProgrammingError: Cannot operate on a closed database."}, said


def _held_statement(store: RunStore, entered: threading.Event, release: threading.Event) -> dict:
    """Run, on a thread of its own, a statement that holds until ``release``; what it got."""
    got: dict = {}

    def hold() -> int:
        entered.set()
        release.wait(20)
        got["held"] = "ended"
        return 7

    def work() -> None:
        db = store._db  # (this thread's own connection)
        got["db"] = db
        db.create_function("hold", 0, hold)
        try:
            got["row"] = db.execute("SELECT hold()").fetchone()
        except sqlite3.Error as exc:
            got["row"] = exc
        try:
            db.execute("SELECT 1")
        except sqlite3.Error as exc:
            got["next"] = exc

    got["thread"] = threading.Thread(target=work, daemon=True)
    got["thread"].start()
    return got


CLOSED_UNDER = """
import sys, threading, time
sys.path.insert(0, sys.argv[2])
from test_left53_close_readers import _held_statement
from assay.core.store import RunStore

store = RunStore(sys.argv[1])
entered, release = threading.Event(), threading.Event()
got = _held_statement(store, entered, release)
assert entered.wait(20)
closer = threading.Thread(target=store.close, daemon=True)
closer.start()
closer.join(5)
print("close returned while the statement ran:", not closer.is_alive())
release.set()
got["thread"].join(20)
closer.join(20)
print("held:", got.get("held"))
print("row:", got["row"] if got["row"] == (7,) else type(got["row"]).__name__)
print("next:", repr(got.get("next")))
try:
    got["db"].execute("SELECT 1")
    print("after: open")
except Exception as exc:
    print("after:", type(exc).__name__)
"""


def test_a_statement_under_way_ends_on_an_open_connection_closed_after_it(
    tmp_path: Path,
) -> None:
    script = tmp_path / "held.py"
    script.write_text(CLOSED_UNDER)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "runs.db"), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # (main: -11, SIGSEGV)
    lines = done.stdout.splitlines()
    # its row read, or the fetch after it refused (the connection closed as it ended)
    assert lines[2] in ("row: (7,)", "row: ProgrammingError"), done.stdout
    assert lines[:2] + lines[3:] == [
        "close returned while the statement ran: True",  # (main: waited in sqlite3_close_v2)
        "held: ended",  # the statement under way ran to its end
        "next: ProgrammingError('Cannot operate on a closed database.')",
        "after: ProgrammingError",  # its thread closed the connection as the statement ended
    ], done.stdout


def test_a_store_closed_from_another_thread_closes_an_idle_readers_connection_at_once(
    tmp_path: Path,
) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(run_id="fairness-1", **ARGS)  # type: ignore[arg-type]
    store.let_go("fairness-1")
    seen: list[sqlite3.Connection] = []
    reader = threading.Thread(target=lambda: seen.append(store._db) or store.list_runs())
    reader.start()
    reader.join()
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join()
    for db in [seen[0], store._conn]:
        try:
            db.execute("SELECT 1")
            raise AssertionError("a connection left open")
        except sqlite3.ProgrammingError:
            pass
