"""mutation27: ``call_deadline``'s time left counts the time a call has run (a mutant of the
twenty-sixth session's code its own tests let live; bench/RESULTS.md, "mutation27").  Timed
(a call sleeping 0.5 s, then ``25 < left <= 29.6`` of its 30 s): named apart from
test_mutation27_today (which runs beside the rest in `make test`) so that it runs in the rest
(ci39)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from assay.core.calls import WatchedCaller, call_deadline


# -- call_deadline: the time a call has left counts the time it has run ---------------------
def test_the_time_a_call_has_left_counts_what_it_has_used() -> None:
    caller = WatchedCaller(call_timeout=30)
    got: list[Any] = []

    def call() -> np.ndarray:
        time.sleep(0.5)
        got.append(call_deadline()())
        return np.zeros((1, 2))

    try:
        caller.submit(call).result()
    finally:
        caller.close()
    left, timeout = got[0]
    assert timeout == 30 and 25 < left <= 29.6
