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
from collections.abc import Callable
from typing import Any

from assay.core.clock import call_started

__all__ = ["SESSION_CLOCK", "session_rider", "through_last_write"]

SESSION_CLOCK = "session_clock"  # the run's config entry: [before, own]


def _session(started: float) -> str:
    """The name of the session of this process whose call began at ``started``."""
    return f"{os.getpid()}:{started!r}"


def session_rider(before: float) -> Callable[[], list[float | str]]:
    """The entry's value at each write of a session whose earlier sessions took ``before``
    seconds (its own from the call's start), naming the session."""
    started = call_started()
    session = _session(started)

    def value() -> list[float | str]:
        return [round(before, 3), round(max(time.monotonic() - started, 0.0), 3), session]

    return value


def through_last_write(config: Any) -> float:
    """The run's seconds through its last session's last write (0.0: none kept); when that
    session is the one asking (the current call of this process), the seconds before it."""
    kept = config.get(SESSION_CLOCK) if isinstance(config, dict) else None
    if not isinstance(kept, list) or len(kept) < 2:
        return 0.0
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in kept[:2]):
        return 0.0
    before = max(float(kept[0]), 0.0)
    if len(kept) > 2 and kept[2] == _session(call_started()):
        return before  # (its own seconds are not an earlier session's)
    return before + max(float(kept[1]), 0.0)
