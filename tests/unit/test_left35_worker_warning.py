"""The warning naming Dask workers refused mid-run goes where the command's warnings go
(``core.notices``: stderr unless ``--quiet``, ``on_note``), though the executor's watch
thread that says it has not the command's context (left34's warning went to the log,
``--quiet`` or not); with no one listening, to the log as before."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from assay.core.notices import told_to
from assay.execution.worker_check import Admission, this_assay


class _Client:
    """A Dask client whose one worker runs another assay."""

    def run(self, fn: Any, *args: Any, on_error: str, workers: Any = None) -> dict[str, Any]:
        version, digest, _ = this_assay()
        return {"tcp://w:9": (version, "0" * len(digest) if set(digest) != {"0"} else "1", "")}

    def scheduler_info(self) -> dict[str, Any]:
        return {"workers": {"tcp://w:9": {"resources": {}}}}


def _watch(admission: Admission) -> None:
    """``usable`` on another thread, as the executor's watch calls it."""
    thread = threading.Thread(
        target=admission.usable, args=(_Client().scheduler_info()["workers"],)
    )
    thread.start()
    thread.join()


def test_the_refusal_goes_to_the_commands_listener_from_the_watch_thread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    said: list[str] = []
    with told_to(said.append):
        admission = Admission(_Client(), "assay-x")
    _watch(admission)
    assert len(said) == 1 and said[0].startswith("Dask workers that joined the cluster")
    assert "tcp://w:9" in said[0] and not caplog.records


def test_with_no_one_listening_it_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    admission = Admission(_Client(), "assay-x")
    with caplog.at_level(logging.WARNING, logger="assay"):
        _watch(admission)
    assert any("tcp://w:9" in r.getMessage() for r in caplog.records)
