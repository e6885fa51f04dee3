"""How bench/text.py replays a run on two idle cores, and what it says bounds the share."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "text.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_text", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_text"] = module
    spec.loader.exec_module(module)
    return module


def test_replay_counts_the_search_waits_and_those_while_shrinking() -> None:
    """A schedule in the search's CPU seconds: batch 0 sent at 0 (the classifiers take 1.0
    s), waited for after 0.4 s of CPU (idle 0.6 s, to 1.0); batch 1 sent then (0.5 s: done
    at 1.5), waited for while shrinking after 0.3 s more (at 1.3: idle 0.2 s); batch 2 sent
    then (0.1 s: done at 1.6) and waited for at once, shrinking (idle 0.1 s); then 0.2 s of
    the search's CPU."""
    overlap = _bench().Overlap()
    overlap.worker = SimpleNamespace(busy=[1.0, 0.5, 0.1])
    overlap.events = [
        ("send", 0.0, 0),
        ("wait", 0.4, 0),
        ("send", 0.4, 1),
        ("wait", 0.7, 1),
        ("send", 0.7, 2),
        ("wait", 0.7, 2),
    ]
    overlap.sent = 3
    overlap.in_shrinking = {3, 5}
    replay = overlap.replay(cpu_total=0.9)  # 0.7 s between the events, 0.2 s after them
    assert replay is not None
    wall, share = replay
    assert wall == pytest.approx(1.8)
    assert share == pytest.approx(1.6 / 1.8)
    assert overlap.waited == pytest.approx(0.6 + 0.2 + 0.1)
    assert overlap.waited_shrinking == pytest.approx(0.2 + 0.1)
