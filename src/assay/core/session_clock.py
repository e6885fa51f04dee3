"""Each session's seconds so far, written with every write it makes to its run, so that a
resumed run's wall clock holds a session killed before its search began.

A session killed (``kill -9``) in its loading or its checks keeps no search start
(``core.search_starts``) and no checkpoint: its seconds were lost, and the resumed run's
wall clock, and every rate over it (errors per second, seconds per image, IDIs per second),
counted the sessions after it alone (a text run: 17.95 s where its two sessions took 26 s,
629.6 errors per second where 435 held).  The store rides ``[before, own]`` (the earlier
sessions' seconds as this one counted them at its start, and its own so far, from the
call's start: ``core.clock``) on each write of the run: its creation, its reports' and
checks' records, its checkpoints.  A resume counts the killed session through its last
write at least (``through_last_write``).  The entry names its session (the process and the
call's start), so that a session never counts its own seconds as an earlier session's (a
resume that wrote before reading its run's earlier seconds counted its own loading twice:
3.1 s of a resume said as 4.7)."""

from __future__ import annotations

import os
import time
from typing import Any

from assay.core.clock import call_started

__all__ = [
    "SESSION_CLOCK",
    "SessionClock",
    "killed_beating",
    "of_this_session",
    "session_rider",
    "through_last_write",
]

SESSION_CLOCK = "session_clock"  # the run's config entry: [before, own]


def _session(started: float) -> str:
    """The name of the session of this process whose call began at ``started``."""
    return f"{os.getpid()}:{started!r}"


class SessionClock:
    """The entry's value at each write of a session whose earlier sessions took ``before``
    seconds (its own from the call's start), naming the session; its fourth number is the
    seconds a heartbeat's session killed after a beat may have run past it (its period and
    a late beat's) while one beats for the session (``core.heartbeat``), else 0."""

    def __init__(self, before: float) -> None:
        self.before = before
        self.started = call_started()
        self.session = _session(self.started)
        self.heart: Any = None  # (a ``core.heartbeat.Heartbeat``, once the run beats)

    def __call__(self) -> list[float | str]:
        own = round(max(time.monotonic() - self.started, 0.0), 3)
        heart = self.heart
        beat = float(heart.bound) if heart is not None and heart.beating else 0.0
        return [round(self.before, 3), own, self.session, beat]


def of_this_session(kept: Any) -> bool:
    """Whether ``kept`` (a ``SessionClock``, or a run's stored entry) names the session
    asking: this process's current call (``core.clock``)."""
    session = kept.session if isinstance(kept, SessionClock) else None
    if isinstance(kept, list) and len(kept) > 2:
        session = kept[2]
    return session == _session(call_started())


def session_rider(before: float) -> SessionClock:
    """The entry's value at each write of a session whose earlier sessions took ``before``
    seconds (``SessionClock``)."""
    return SessionClock(before)


def killed_beating(config: Any, status: str) -> float:
    """The heartbeat's period of the run's last session when it ended without a word (the
    run still ``running`` in the store, its entry still beating: killed outright) and is not
    the session asking; 0.0 otherwise."""
    kept = config.get(SESSION_CLOCK) if isinstance(config, dict) else None
    if status != "running" or not isinstance(kept, list) or len(kept) < 4:
        return 0.0
    if of_this_session(kept):
        return 0.0
    beat = kept[3]
    return float(beat) if isinstance(beat, int | float) and not isinstance(beat, bool) else 0.0


def through_last_write(config: Any, status: Any = "running") -> float:
    """The run's seconds through its last session's last write (0.0: none kept), plus the
    heartbeat's period where that session still beat and left the run ``running`` (its
    ``status``: killed outright, it ran at most that long after its last beat); when that
    session is the one asking (the current call of this process), the seconds before it."""
    kept = config.get(SESSION_CLOCK) if isinstance(config, dict) else None
    if not isinstance(kept, list) or len(kept) < 2:
        return 0.0
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in kept[:2]):
        return 0.0
    before = max(float(kept[0]), 0.0)
    if of_this_session(kept):
        return before  # (its own seconds are not an earlier session's)
    beat = kept[3] if len(kept) > 3 and status == "running" else 0.0
    if not isinstance(beat, int | float) or isinstance(beat, bool):
        beat = 0.0
    return before + max(float(kept[1]), 0.0) + max(float(beat), 0.0)
