"""perf51b's poller of the worker's pipe (``PanelWorker._ready``) waits as
``Connection.poll`` did: a timeout rounded up to whole milliseconds (a slice of a call's
deadline under a millisecond waits one, not a busy loop of zero-length polls), zero for none
left, for ever for None (mutation52)."""

from __future__ import annotations

from typing import Any

import pytest

from assay.text.pipeline import PanelWorker


class _Poller:
    def __init__(self) -> None:
        self.asked: list[Any] = []

    def poll(self, *timeout: Any) -> list[Any]:
        self.asked.append(timeout)
        return []


class _Conn:
    closed = False


@pytest.mark.parametrize(
    ("timeout", "asked"),
    [(0.0004, (1,)), (0.0015, (2,)), (0.002, (2,)), (0.0, (0,)), (-1.0, (0,)), (None, ())],
)
def test_a_timeout_is_rounded_up_to_milliseconds(timeout: float | None, asked: Any) -> None:
    worker = PanelWorker.__new__(PanelWorker)
    poller = _Poller()
    worker._poller = poller  # type: ignore[assignment]
    worker._conn = _Conn()  # type: ignore[assignment]
    assert worker._ready(timeout) is False
    assert poller.asked == [asked]
