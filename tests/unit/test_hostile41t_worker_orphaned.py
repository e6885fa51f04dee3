"""A run's process killed (kill -9) while its classifiers' worker was answering: the worker,
left alone, ends without a traceback on the terminal the run left (hostile41t)."""

from __future__ import annotations

import gc
import multiprocessing
import signal
from typing import Any

import numpy as np
import pytest

from assay.text.pipeline import _serve


class _Panel:
    def __init__(self) -> None:
        self.seconds = [0.0]
        self.cpu_seconds = [0.0]

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 2))


def test_a_worker_whose_run_process_died_mid_answer_ends_quietly(
    capfd: pytest.CaptureFixture[str],
) -> None:
    run_end, worker_end = multiprocessing.Pipe(duplex=True)
    run_end.send(["the food was good"])  # asked, then the run's process dies (its end closed)
    saved: dict[Any, Any] = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        _serve(_Panel(), worker_end, run_end)  # closes run_end as the forked worker does
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        gc.unfreeze()
        worker_end.close()
    assert "Traceback" not in capfd.readouterr().err
