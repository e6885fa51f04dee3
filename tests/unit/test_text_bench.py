"""How bench/text.py replays a run on two idle cores (also with a faster search), what it says
bounds the share, and which search code it measured."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "text.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_text", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_text"] = module
    spec.loader.exec_module(module)
    return module


def _schedule() -> Any:
    """Batch 0 sent at 0 (the classifiers take 1.0 s), waited for after 0.4 s of the search's
    CPU; batch 1 (0.5 s) sent then, waited for 0.3 s later; batch 2 (0.1 s) sent and waited
    for at once; then 0.2 s of the search's CPU (0.9 s in all)."""
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
    return overlap


def test_replay_counts_the_search_waits_and_those_while_shrinking() -> None:
    """A schedule in the search's CPU seconds: batch 0 sent at 0 (the classifiers take 1.0
    s), waited for after 0.4 s of CPU (idle 0.6 s, to 1.0); batch 1 sent then (0.5 s: done
    at 1.5), waited for while shrinking after 0.3 s more (at 1.3: idle 0.2 s); batch 2 sent
    then (0.1 s: done at 1.6) and waited for at once, shrinking (idle 0.1 s); then 0.2 s of
    the search's CPU."""
    overlap = _schedule()
    overlap.in_shrinking = {3, 5}
    replay = overlap.replay(cpu_total=0.9)  # 0.7 s between the events, 0.2 s after them
    assert replay is not None
    wall, share = replay
    assert wall == pytest.approx(1.8)
    assert share == pytest.approx(1.6 / 1.8)
    assert overlap.waited == pytest.approx(0.6 + 0.2 + 0.1)
    assert overlap.waited_shrinking == pytest.approx(0.2 + 0.1)


def test_a_faster_search_is_replayed_with_every_stretch_of_its_cpu_shrunk() -> None:
    """Twice as fast: batch 0 waited for at 0.2 (to 1.0), batch 1 sent at 1.0 (done 1.5) and
    waited for at 1.15 (to 1.5), batch 2 done at 1.6, then 0.1 s: 1.7 s in all.  The figures
    of the plain replay (waits) stay those of the run as measured."""
    overlap = _schedule()
    plain = overlap.replay(cpu_total=0.9)
    assert plain is not None
    waited = overlap.waited
    fast = overlap.replay(cpu_total=0.9, faster=2.0)
    assert fast is not None
    assert fast[0] == pytest.approx(1.7)
    assert fast[1] == pytest.approx(1.6 / 1.7)
    assert overlap.waited == pytest.approx(waited)
    shares = [overlap.replay(cpu_total=0.9, faster=k)[1] for k in (1.0, 1.5, 2.0, 3.0, 10.0)]
    assert shares == sorted(shares)  # a faster search never lowers the share
    assert shares[0] == pytest.approx(plain[1])


def test_needed_finds_how_much_faster_the_search_must_be_for_a_share() -> None:
    """Past ~0.6x the classifiers' own 1.6 s bound the replay, plus the last 0.2 s / k of the
    search: 1.6 / (1.6 + 0.2 / k) >= 0.95 from k = 0.2 / (1.6 / 0.95 - 1.6) = 2.375."""
    overlap = _schedule()
    assert overlap.needed(0.9, share=0.95) == pytest.approx(2.375, rel=1e-6)
    assert overlap.needed(0.9, share=0.8) == 1.0  # already there: 1.6 / 1.8
    assert overlap.needed(0.9, share=1.0) is None  # never within 1,000x
    assert _bench().Overlap().needed(0.9) is None  # nothing sent: no replay


def test_the_bench_says_which_search_code_it_measured() -> None:
    from assay.text import compiled

    said = _bench().search_code()
    if compiled.in_use():  # make compiled, fresh, not switched off
        assert said.startswith("compiled modules")
    else:
        assert said.startswith("pure Python")
        reason = compiled.why_not()
        if reason is not None:  # a build beside the sources, not used: said why
            assert f"not used: {reason}" in said


def test_the_cpu_bench_memo_asks_each_sentence_once_and_answers_the_same_rows() -> None:
    """bench/text_cpu.py times the search alone: its classifiers answer from a memo."""
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_text_cpu", BENCH.parent / "text_cpu.py"
        )
        assert spec is not None and spec.loader is not None
        cpu = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cpu)
    finally:
        sys.path.remove(str(BENCH.parent))
    asked: list[list[str]] = []

    class Inner:
        def __init__(self) -> None:
            self.capabilities: dict[str, Any] = {}
            self.info: dict[str, Any] = {}

        def predict(self, inputs: list[str]) -> Any:
            asked.append(list(inputs))
            return np.array([[len(s), 1.0] for s in inputs])

    memo = cpu.Memo(Inner())
    first = memo.predict(["a", "bb", "a"])
    again = memo.predict(["bb", "ccc", "a"])
    assert asked == [["a", "bb"], ["ccc"]]
    assert first.tolist() == [[1, 1], [2, 1], [1, 1]]
    assert again.tolist() == [[2, 1], [3, 1], [1, 1]]
    name = "<method 'execute' of 'sqlite3.Connection' objects>"
    assert cpu._c_name(name) == "sqlite3.Connection.execute"
    assert cpu._c_name("<built-in method builtins.len>") == "builtins.len"
