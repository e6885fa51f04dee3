"""A Dask executor that kills one busy worker (``kill -9``) as the first unit's result comes
back: the units it was running are lost with it, and the scheduler runs them again.

So that a worker is sure to be busy then (flaky50b: with every unit ended by the time the
client read the first result, none was, and the test failed "no worker was busy"), the
workers' copy of the model is ``Held``: the first unit to ask it runs freely, every other unit
waits inside its first call (the call sent: a served model's requests are out) until the kill
is done, and the worker killed is one of those waiting.  The client's own calls, and every
call once the kill is done, pass straight through: the run's findings are the model's."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assay.core.units import Unit, UnitResult
from assay.execution.dask import DaskUnits

HOLD = 300.0  # seconds a unit waits at most (a broken test fails rather than hangs)


def _unit_key() -> str | None:
    """The key of the task this worker process runs (one thread a worker: at most one);
    None outside a worker.  (The model's calls run on a thread of their own, which does not
    see ``distributed.get_worker``'s context.)"""
    from distributed.worker import Worker

    for worker in list(Worker._instances):
        for task in list(worker.state.executing):
            return str(task.key)
    return None


class Held:
    """``inner`` (its attributes, its counters through ``inner``), whose calls on a worker wait
    after answering, in every unit but the first to call it, until ``gate``/released exists;
    a unit waiting says so by the file ``gate``/held-PID."""

    def __init__(self, inner: Any, gate: Path) -> None:
        self.inner, self.gate, self.home = inner, str(gate), os.getpid()
        self.open = False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("inner", "gate", "home", "open"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def predict(self, inputs: Any) -> Any:
        answer = self.inner.predict(inputs)
        if not self.open and os.getpid() != self.home:
            self._wait()
        return answer

    def _wait(self) -> None:
        gate = Path(self.gate)
        released = gate / "released"
        key = _unit_key()
        if key is None or released.exists():
            self.open = released.exists()
            return
        try:
            fd = os.open(gate / "free", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if (gate / "free").read_text() == key:
                return  # (the first unit's next call)
        else:
            os.write(fd, key.encode())
            os.close(fd)
            return
        (gate / f"held-{os.getpid()}").touch()
        end = time.monotonic() + HOLD
        while not released.exists() and time.monotonic() < end:
            time.sleep(0.01)
        self.open = True


class KillOne(DaskUnits):
    """``DaskUnits`` killing, once, a worker whose unit waits (``Held``) when the first unit's
    result comes back; ``killed``: the process ids killed (none: no unit waited within
    ``wait`` seconds)."""

    def __init__(self, *, wait: float = 120.0, **kw: Any) -> None:
        super().__init__(**kw)
        self.wait = wait
        self.killed: list[int] = []
        self.gates: list[Path] = []

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        gate = Path(tempfile.mkdtemp(prefix="assay-kill-one-"))
        self.gates.append(gate)
        try:
            for result in super().run(technique, Held(model, gate), units):
                if not self.killed:
                    self._kill_held(gate)
                yield result
        finally:
            (gate / "released").touch()  # (never a unit left waiting)

    def close(self) -> None:
        super().close()
        for gate in self.gates:
            shutil.rmtree(gate, ignore_errors=True)

    def _kill_held(self, gate: Path) -> None:
        end = time.monotonic() + self.wait
        while not (held := sorted(gate.glob("held-*"))) and time.monotonic() < end:
            time.sleep(0.01)
        for path in held[:1]:
            pid = int(path.name.removeprefix("held-"))
            os.kill(pid, signal.SIGKILL)
            self.killed.append(pid)
        (gate / "released").touch()
