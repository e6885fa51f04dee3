"""mutation49b: ``core.calls.wait_ready`` under a ``WatchedCaller``'s call run where its answer
is read (``text.pipeline.WorkerCaller``, perf48b): each wait a slice no longer than what is
left of the call's deadlines, looked at again until ready; outside such a call (and after
one) a wait for as long as it takes, never a finished call's deadline."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assay.core.calls import WatchedCaller, wait_ready
from assay.text.pipeline import WorkerCaller

LEFT = 0.02  # the run's time left, as a fake clock says it (never spent): under the slice


def _ready_after(k: int, seen: list[float | None]) -> Callable[[float | None], bool]:
    """Ready on its ``k``-th look; each wait it is given kept in ``seen``."""

    def ready(seconds: float | None) -> bool:
        seen.append(seconds)
        return len(seen) >= k

    return ready


def _watched() -> WatchedCaller:
    return WatchedCaller(WorkerCaller(), call_timeout=300.0, time_left=lambda: LEFT)


def test_a_call_read_here_waits_in_slices_of_its_deadlines_until_ready() -> None:
    # (CA9, CA1) the call's own deadlines, not a wait for ever; (CA5) the least of them;
    # (CA4) looked at again until ready
    seen: list[float | None] = []

    def call() -> np.ndarray:
        wait_ready(_ready_after(3, seen))
        return np.zeros(2)

    assert _watched().submit(call).result().tolist() == [0.0, 0.0]
    assert len(seen) == 3
    assert all(s is not None and 0.001 <= s <= LEFT for s in seen), seen


def test_no_watched_call_waits_for_as_long_as_it_takes() -> None:
    # (CA3) outside a watched call: one wait, unbounded
    seen: list[float | None] = []
    wait_ready(_ready_after(1, seen))
    assert seen == [None]


def test_a_finished_call_s_deadlines_leave_with_it() -> None:
    # (CA2) a call read here, then a wait of this thread outside any: not in the slices of
    # the call that ended (its --call-timeout would end a later, unwatched wait)
    caller = _watched()
    assert caller.submit(lambda: np.ones(1)).result().tolist() == [1.0]
    seen: list[float | None] = []
    wait_ready(_ready_after(1, seen))
    assert seen == [None]
    # nested: the inner call's deadlines leave, the outer's come back
    inside: list[float | None] = []

    def outer() -> np.ndarray:
        assert caller.submit(lambda: np.ones(1)).result().tolist() == [1.0]
        wait_ready(_ready_after(1, inside))
        return np.zeros(1)

    assert caller.submit(outer).result().tolist() == [0.0]
    assert len(inside) == 1 and inside[0] is not None and inside[0] <= LEFT
