"""bench/text_cpu.py --worker process: each thread's CPU is charged to the part it ran in,
the call thread's apart, never taken off the part the search's thread is inside."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _cpu_bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_text_cpu_fast33", BENCH / "text_cpu.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def _burn(seconds: float) -> None:
    """Spend ``seconds`` of this thread's CPU."""
    t0 = time.thread_time()
    while time.thread_time() - t0 < seconds:
        pass


def test_the_call_threads_cpu_is_its_own_part(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.text import pipeline, technique

    both = threading.Barrier(2)

    def answer(self: Any, inputs: Any) -> None:  # the call thread, while the search steps
        both.wait()
        _burn(0.06)
        both.wait()

    def step(self: Any) -> list[Any]:
        caller = threading.Thread(target=pipeline.PanelWorker.predict, args=(None, []))
        caller.start()
        both.wait()
        _burn(0.03)  # the search's own, while the call thread is inside its part
        both.wait()
        caller.join()
        return []

    monkeypatch.setattr(technique.TextSearch, "step", step)
    monkeypatch.setattr(pipeline.PanelWorker, "predict", answer)

    def run(seed: int) -> Any:
        technique.TextSearch.step(None)  # type: ignore[arg-type]
        return SimpleNamespace(progress={"queries": 1000})

    _cpu_bench().parts(run, 1, 1, "process")
    said = capsys.readouterr().out

    def us(label: str) -> float:
        got = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+) us/query$", said, re.M)
        assert got is not None, said
        return float(got[1])

    assert us("search loop") == pytest.approx(30, abs=8)
    assert us("worker traffic (other threads)") == pytest.approx(60, abs=8)
