"""What an API call leaves behind when it returns or raises: none of its runs held, none of
its stores open, and the caller in its own folder.

A run is this process's while a call runs it (``core.runlock``).  A notebook's
``assay.check_fairness`` whose model failed (``ModelError``) kept its run's lock and its
store's connection until the garbage collector freed the store the traceback still held
(``sys.last_traceback``, an ``except ... as err`` kept): meanwhile another process's
``assay resume RUN`` (the command the error printed) was refused, "being run by process N",
and so was the same kernel's ``assay.resume_run`` through another store (api39).  Now each
API call that runs or replays a run (``check_fairness``, ``check_text``, ``check_backdoor``,
``resume_run``, ``verify_run``) closes, on every way out, the stores it opened on its
thread (what it returns holds paths, never a store), and lets go of the runs it claimed on a
store the caller gave it (``RunStore``: the caller's store stays open; a run it held before
the call stays held).  The caller's current folder is kept for the call and put back at its
end (``core.workdir.held``): a model that chdirs keeps its own folder for its calls, as on
the command line.  So are the caller's ``sys.stdout`` and ``sys.stderr``
(``core.kept_streams``) and its handlers of Ctrl-C and SIGTERM (``core.kept_signals``): a
model that replaced them, or set Ctrl-C aside, left the notebook changed (left40).
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from assay.core import kept_signals, kept_streams
from assay.core.finishing import UNFINISHED, finishable
from assay.core.opened_within import within
from assay.core.store import ENDED, RunRecord, RunStore, open_stores
from assay.core.workdir import held
from assay.errors import ModelError

__all__ = ["leaves_nothing", "name_run", "nothing_held"]

F = TypeVar("F", bound=Callable[..., Any])


def leaves_nothing(fn: F) -> F:
    """Decorate an API function: on every way out (a result, an exception, an interrupt), the
    runs it claimed are let go of, the stores it opened closed, the caller's folder, streams
    and signal handlers put back."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with kept_signals.restored(), kept_streams.restored(), held(), nothing_held():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def nothing_held() -> Iterator[None]:
    """Within the block: the stores this thread opens are closed at its end, and the runs it
    claims through stores open before it are let go of (those held before stay held).  The
    stores it opens are held (``core.opened_within``) until then: seen only through the weak
    set of open stores, the run's store dropped as the call returned was finalized, never
    closed (its run's lock dropped, not let go of; its clock not put back; beat52)."""
    me = threading.current_thread()
    before: dict[RunStore, frozenset[str]] = {s: s.claims() for s in _this_threads(me)}
    with within() as kept:
        try:
            yield
        except ModelError as exc:
            _name_failed_run(exc, _these(me, kept), before)
            raise
        finally:
            for store in _these(me, kept):
                with contextlib.suppress(sqlite3.Error, OSError):  # (the call's error matters more)
                    if store not in before:
                        store.close()
                    else:
                        for run_id in store.claims() - before[store]:
                            store.let_go(run_id)


def _name_failed_run(
    exc: ModelError, stores: list[RunStore], before: dict[RunStore, frozenset[str]]
) -> None:
    """``exc`` told the run it ended (the one run this call claimed, now marked failed, or
    ended and left unfinished by a failure after its search): its id, its store and the
    findings it keeps, for a Python caller's message
    (``core.keywords``).  A notebook's ``ModelError`` named neither, where the command line
    says "run RUN: failed, N findings stored; ... continue with: assay resume RUN"."""
    if exc.run_id is not None:
        return
    ended = [
        (store, run_id)
        for store in stores
        for run_id in store.claims() - before.get(store, frozenset())
    ]
    if len(ended) != 1:
        return
    store, run_id = ended[0]
    with contextlib.suppress(Exception):  # (the store failed too: the error as it came)
        record = store.get_run(run_id)
        if record.status in ("failed", "model_unavailable"):
            name_run(exc, store, record, "failed")
        elif record.status in ENDED and finishable(record):  # (failed after its search)
            name_run(exc, store, record, UNFINISHED)


def name_run(exc: ModelError, store: RunStore, record: RunRecord, status: str) -> None:
    """``exc`` names ``record``, the run keeping the findings, as standing at ``status``."""
    exc.run_id, exc.store = record.id, str(store.path.resolve())
    exc.n_findings, exc.run_status = record.n_findings, status


def _this_threads(me: threading.Thread) -> list[RunStore]:
    return [s for s in open_stores() if s.thread is me]


def _these(me: threading.Thread, kept: list[RunStore]) -> list[RunStore]:
    """This thread's open stores and those the block opened still open (each once)."""
    still = set(open_stores())
    return list(dict.fromkeys([*_this_threads(me), *(s for s in kept if s in still)]))
