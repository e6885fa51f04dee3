"""A Dask executor that kills one busy worker (``kill -9``) as the first unit's result comes
back: the units it was running are lost with it, and the scheduler runs them again."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator, Sequence
from typing import Any

from assay.core.units import Unit, UnitResult
from assay.execution.dask import DaskUnits


class KillOne(DaskUnits):
    """``DaskUnits`` killing one worker that has units, once; ``pause``: seconds to wait
    first (its unit under way); ``killed``: the process ids killed."""

    def __init__(self, *, pause: float = 0.0, **kw: Any) -> None:
        super().__init__(**kw)
        self.pause = pause
        self.killed: list[int] = []

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for result in super().run(technique, model, units):
            if not self.killed:
                busy = [w for w, tasks in self.client.processing().items() if tasks]
                time.sleep(self.pause)
                for pid in self.client.run(os.getpid, workers=busy[:1]).values():
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
            yield result
