"""A Ctrl-C or SIGTERM that lands while the main thread waits for a model call is never
swallowed, even when the call ends at that very moment (hostile13a)."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import numpy as np
import pytest

from assay.core.calls import WatchedCaller


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="POSIX signals")
def test_an_interrupt_landing_as_the_call_ends_is_raised() -> None:
    """The wait loop took any exception out of its wait for the call's own and went round
    again when the call was done by then: a SIGTERM arriving as the model's call ended
    (1 s calls, the signal 1 s in) was lost, and the run went on to its end (exit 1 after
    60 s instead of 130)."""
    assert threading.current_thread() is threading.main_thread()

    def late_interrupt(signum: int, frame: Any) -> None:
        time.sleep(0.3)  # the call thread finishes meanwhile: done() is True by now
        raise KeyboardInterrupt

    def call() -> np.ndarray:
        os.kill(os.getpid(), signal.SIGUSR1)
        return np.zeros(1)

    previous = signal.signal(signal.SIGUSR1, late_interrupt)
    caller = WatchedCaller(call_timeout=30)
    try:
        with pytest.raises(KeyboardInterrupt):
            caller.submit(call).result()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        caller.close()
