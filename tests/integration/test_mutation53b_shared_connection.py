"""mutation53b, over left53's ``core.store_conn.SharedConnection``: a close asked while another
thread's statement runs is done by that thread as its statement ends (not left undone: the
file stays open, its lock and WAL kept, until the object is collected), and a statement run
by ``executemany`` or ``executescript`` counts as one under way as ``execute``'s does (a
store writes its findings with ``executemany`` and makes its schema with ``executescript``):
a close during one waits for it.  And every connection of a store is one (left53's stress
read only other threads' connections of a writable store): the store's own, in the thread
that opened it, and a read-only store's.  Each case runs in a subprocess: a close inside a
statement is a SIGSEGV there, a failed assertion here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_left53_close_readers import STRESS  # isort: skip

# a statement held (a SQL function, or the parameters executemany reads, waiting on an event)
# while the main thread closes the connection; then released
HELD = """
import sqlite3, sys, threading
from assay.core.store_conn import SharedConnection

path, how = sys.argv[1], sys.argv[2]
db = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                     factory=SharedConnection)
db.execute("CREATE TABLE t (x INTEGER)")
entered, release = threading.Event(), threading.Event()
got = {}

def hold():
    entered.set()
    release.wait(20)
    return 7

def rows():
    yield (1,)
    entered.set()
    release.wait(20)
    yield (2,)

db.create_function("hold", 0, hold)

def work():
    try:
        if how == "execute":
            db.execute("INSERT INTO t VALUES (hold())")
        elif how == "executescript":
            # (more statements after the held one: closed under it, the script's next
            # statements ran on a freed connection, some refused, InterfaceError)
            db.executescript("INSERT INTO t VALUES (hold()); " + "INSERT INTO t VALUES (8); " * 200)
        else:
            db.executemany("INSERT INTO t VALUES (?)", rows())
        got["ran"] = "ended"
    except Exception as exc:
        got["ran"] = type(exc).__name__

thread = threading.Thread(target=work, daemon=True)
thread.start()
assert entered.wait(20)
db.close()  # (from another thread than the statement's, while it runs)
release.set()
thread.join(20)
print("ran:", got.get("ran"))
try:
    db.total_changes  # (any use of the connection itself, past the counted statements)
    print("closed: no")
except sqlite3.ProgrammingError:
    print("closed: yes")
again = sqlite3.connect(path)
print("rows:", sorted(x for (x,) in again.execute("SELECT x FROM t")))
"""

WRITTEN = {"execute": [7], "executescript": [7] + [8] * 200, "executemany": [1, 2]}


@pytest.mark.parametrize("how", ["execute", "executescript", "executemany"])
def test_a_close_during_a_statement_waits_for_it_and_then_closes(tmp_path: Path, how: str) -> None:
    script = tmp_path / "held.py"
    script.write_text(HELD)
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), str(tmp_path / "t.db"), how],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == [
        "ran: ended",  # the statement under way ran to its end on an open connection
        "closed: yes",  # and its thread closed the connection as it ended
        f"rows: {WRITTEN[how]}",
    ], (done.stdout, done.stderr[-2000:])


# a store opened (writable or read-only) in one thread, a statement of that thread's own
# connection held (or of another thread's, ``opener`` 0) while the main thread closes the store
STORE_HELD = """
import sqlite3, sys, threading
from assay.core.store import RunStore

path, read_only, opener = sys.argv[1], sys.argv[2] == "ro", sys.argv[3] == "1"
RunStore(path).close()
entered, release, opened = threading.Event(), threading.Event(), threading.Event()
got = {}

def hold():
    entered.set()
    release.wait(20)
    return 7

def work():
    if opener:
        got["store"] = RunStore(path, read_only=read_only)
    opened.set()
    db = got["store"]._db  # (the opening thread's: the store's own connection)
    got["db"] = db
    db.create_function("hold", 0, hold)
    try:
        got["row"] = db.execute("SELECT hold()").fetchone()
    except Exception as exc:
        got["row"] = type(exc).__name__

if not opener:
    got["store"] = RunStore(path, read_only=read_only)
thread = threading.Thread(target=work, daemon=True)
thread.start()
assert opened.wait(20) and entered.wait(20)
got["store"].close()  # (from the main thread, while the statement runs)
release.set()
thread.join(20)
print("row:", got.get("row"))
try:
    got["db"].total_changes
    print("closed: no")
except sqlite3.ProgrammingError:
    print("closed: yes")
"""


@pytest.mark.parametrize(
    ("read_only", "opener"),
    [("rw", "1"), ("ro", "1"), ("ro", "0")],
    ids=["a store's own connection", "a read-only store's own", "a read-only store's other"],
)
def test_a_store_closed_during_a_statement_of_any_of_its_connections_waits_for_it(
    tmp_path: Path, read_only: str, opener: str
) -> None:
    script = tmp_path / "store_held.py"
    script.write_text(STORE_HELD)
    db = str(tmp_path / "runs.db")
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), db, read_only, opener],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    # its row read, or the fetch after it refused (the connection closed as it ended)
    assert lines[0] in ("row: (7,)", "row: ProgrammingError"), done.stdout
    assert lines[1:] == ["closed: yes"], (done.stdout, done.stderr[-2000:])


# left53's stress (three threads read a store while the main thread closes it, again and
# again), of a store opened read-only: its connections are ``open_read_only``'s
_OPENED = '    s = RunStore(path, compaction="off")\n    stop'
assert STRESS.count(_OPENED) == 1
READ_ONLY_STRESS = STRESS.replace(_OPENED, "    s = RunStore(path, read_only=True)\n    stop")


def _stressed(tmp_path: Path, text: str, *args: str) -> None:
    """Run the stress ``text`` with the store's path and ``args``: no crash, and a reader's
    statement after the close refused as on a closed connection, nothing else."""
    script = tmp_path / "stress.py"
    script.write_text(text)
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), str(tmp_path / "runs.db"), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # (a plain connection: -11, SIGSEGV)
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(said) <= {"ProgrammingError: Cannot operate on a closed database."}, said


def test_threads_reading_a_read_only_store_closed_under_them_do_not_crash(
    tmp_path: Path,
) -> None:
    _stressed(tmp_path, READ_ONLY_STRESS, "200")


# a thread opens the store (its own connection: ``RunStore._conn``) and reads it, again and
# again, while the main thread closes it a few milliseconds in
OWN_STRESS = (
    STRESS[: STRESS.index("kinds = set()")]  # (left53's: its store made, three runs in it)
    + """read_only = sys.argv[3] == "ro"
kinds = set()

def read(got, opened, stop):
    got.append(RunStore(path, read_only=True) if read_only else RunStore(path))
    opened.set()
    while not stop.is_set():
        try:
            got[0].list_runs()
            got[0].count_runs()
        except Exception as exc:
            kinds.add(f"{type(exc).__name__}: {exc}")
            return

for i in range(rounds):
    got, opened, stop = [], threading.Event(), threading.Event()
    thread = threading.Thread(target=read, args=(got, opened, stop))
    thread.start()
    opened.wait(20)
    time.sleep(0.002)
    got[0].close()
    stop.set()
    thread.join()
print(json.dumps(sorted(kinds)))
"""
)


@pytest.mark.parametrize("read_only", ["rw", "ro"])
def test_a_thread_reading_the_store_it_opened_closed_under_it_does_not_crash(
    tmp_path: Path, read_only: str
) -> None:
    _stressed(tmp_path, OWN_STRESS, "200", read_only)
