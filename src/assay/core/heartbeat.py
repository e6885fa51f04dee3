"""A run's session clock written every second by a thread of its own, so that a session
killed outright (``kill -9``, the out-of-memory killer) is counted in the resumed run's wall
clock through its last beat plus 2 s (the beat's period, and as much again for a late beat):
at least the seconds it ran.

ops48 rode each session's seconds on its writes (``core.session_clock``): a session killed
in its loading, its checks (no write for their whole length) or between two checkpoints of
a slow model lost every second after its last write, and the resumed run's rates (IDIs,
errors per second, seconds per image) flattered it by them.  A beat writes the session's
row alone (``RunStore.beat``: one small statement through the thread's own connection,
which waits for no other writer: a busy store skips the beat).  The entry carries that
bound while the session beats (0 once it stopped in words), so that the resume counts a
killed session as its last beat plus the bound: the wall clock may then be over by up to
2 s a killed session, and its rates under, never over, except where the killed
process was frozen after its last beat (stopped, swapped out, or a model call holding
Python's lock for longer).  ``sessions_cut`` in the run's config counts such sessions and
the seconds so added; the reports say it (``cut_note``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["BEAT_SECONDS", "BOUND_SECONDS", "CUT", "Heartbeat", "cut_note"]

CUT = "sessions_cut"  # the run's config entry: [sessions killed while beating, seconds added]
BEAT_SECONDS = 1.0  # seconds between beats
# the seconds a session killed after a beat is counted past it: the beat's period, and as
# much again for a beat late under load (one was 3 ms late at a load of 17, past a kill)
BOUND_SECONDS = 2.0


class Heartbeat:
    """Calls ``beat()`` every ``every`` seconds on a daemon thread until ``stop``; a beat
    that raises ends the thread (the store closed or failed: its writes carry on alone)."""

    def __init__(
        self,
        beat: Callable[[], object],
        every: float = BEAT_SECONDS,
        bound: float = BOUND_SECONDS,
        *,
        end: Callable[[], object] | None = None,
    ) -> None:
        """``end``: called on the thread as it ends (its own connection closed)."""
        self.every = every
        self._end = end
        self.bound = bound  # (what the session clock says a killed session ran past a beat)
        self._beat = beat
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # (a beat under way finishes before ``stop`` returns)
        self._thread = threading.Thread(target=self._loop, name="assay-heartbeat", daemon=True)
        _HEARTS.add(self)

    @property
    def beating(self) -> bool:
        return not self._stopped.is_set()

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No beat from now on: a beat under way finishes first, and the thread has ended
        (its ``end`` run: its own connection closed on its own thread) when this returns, so
        that a connection closed after it is one no beat uses (beat52: a store dropped while
        it beat closed the beat's connection under a beat, a SIGSEGV).  From the beat's own
        thread (its store dropped by the beat): no further beat, the thread ends after it."""
        if self._thread is threading.current_thread():
            self._stopped.set()
            return
        with self._lock:
            self._stopped.set()
        if self._thread.ident is not None:  # (started: ended before this returns)
            self._thread.join()

    def _loop(self) -> None:
        try:
            while not self._stopped.wait(self.every):
                with self._lock:
                    if self._stopped.is_set():
                        return
                    try:
                        self._beat()
                    except Exception:
                        self._stopped.set()
                        return
        finally:
            if self._end is not None:
                with contextlib.suppress(Exception):
                    self._end()


_HEARTS: weakref.WeakSet[Heartbeat] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked child (the text classifiers' worker) has no heartbeat thread: its copies are
    stopped, their lock new (the parent's beat may have held it at the fork)."""
    for heart in list(_HEARTS):
        heart._lock = threading.Lock()
        heart._stopped.set()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _stop_all() -> None:
    """At the interpreter's exit (a program or a notebook that kept a store open): every
    heartbeat stopped, its thread ended, before the interpreter finalizes (a daemon thread
    would beat through SQLite meanwhile)."""
    for heart in list(_HEARTS):
        with contextlib.suppress(Exception):
            heart.stop()


atexit.register(_stop_all)


def cut_note(config: Any) -> str | None:
    """The reports' words on the run's sessions killed outright while they beat (None:
    none), from its config's ``sessions_cut`` (``[sessions, seconds added]``)."""
    cut = config.get(CUT) if isinstance(config, dict) else None
    if not isinstance(cut, list) or len(cut) < 2:
        return None
    n, added = cut[0], cut[1]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return None
    if not isinstance(added, int | float) or isinstance(added, bool):
        return None
    sessions = "1 earlier session" if n == 1 else f"{n:,} earlier sessions"
    return (
        f"{sessions} of this run ended without a word (killed outright: kill -9, out of "
        f"memory): each is counted in the wall clock through its last heartbeat plus "
        f"{BOUND_SECONDS:g} s, at least what it ran after it (a beat each {BEAT_SECONDS:g} s), "
        f"{added:g} s added in all: the wall clock may be over by up to that, its rates "
        "under, never over (unless a killed process was frozen after its last beat: "
        "stopped, swapped out, in a model call holding Python's lock, or its store kept "
        "busy by another writer)"
    )
