"""mutation49: a killed session's seconds through its last write (``core.session_clock``,
``core.search_starts``, ops48): counted by a resume, never this session's own twice."""

from __future__ import annotations

import time
from types import SimpleNamespace

from assay.core.clock import entered
from assay.core.search_starts import wall_from_starts
from assay.core.session_clock import SESSION_CLOCK, session_rider, through_last_write


def test_an_earlier_sessions_last_write_counts_its_seconds() -> None:
    # (SCL3, SCL4) 10 s before it, 6.5 s of its own through its last write: 16.5 s
    assert through_last_write({SESSION_CLOCK: [10.0, 6.5, "1:2.0"]}) == 16.5
    assert through_last_write({SESSION_CLOCK: [10.0, 6.5]}) == 16.5
    assert through_last_write({SESSION_CLOCK: [-1.0, -2.0]}) == 0.0
    for bad in ([True, 3.0], ["1", 2.0], [4.0], None, "x"):
        assert through_last_write({SESSION_CLOCK: bad}) == 0.0
    assert through_last_write(None) == 0.0


def test_this_sessions_own_writes_are_not_an_earlier_sessions() -> None:
    # (SCL2) the entry written by this very call: only the seconds before it count
    with entered(time.monotonic() - 3.0):
        value = session_rider(10.0)()
        assert value[0] == 10.0 and float(value[1]) >= 3.0
        assert through_last_write({SESSION_CLOCK: value}) == 10.0
    # read by a later call (a resume): its seconds count too
    assert through_last_write({SESSION_CLOCK: value}) >= 13.0


def test_a_run_killed_before_its_search_keeps_its_seconds() -> None:
    # (SS2, SS3) no search start kept: the last write's seconds; one kept: at least those
    written = {SESSION_CLOCK: [10.0, 6.5, "1:2.0"]}
    assert wall_from_starts(SimpleNamespace(config=written, progress={})) == 16.5
    started = {**written, "budget": {"search_sessions": [[2.0, 0.0]]}}
    record = SimpleNamespace(config=started, progress={"elapsed": 4.0})
    assert wall_from_starts(record) == 16.5
    later = SimpleNamespace(config=started, progress={"elapsed": 40.0})
    assert wall_from_starts(later) == 42.0
