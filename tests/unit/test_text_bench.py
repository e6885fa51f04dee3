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
    cpu = _bench_module("text_cpu")
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


def test_the_replay_splits_the_waits_by_where_dispatch_made_them() -> None:
    """The waits of ``_schedule`` (0.6, 0.2 and 0.1 s) by where they were made: the first
    reading a round's proposals sent ahead, the second in a batch partly asked before, the
    third elsewhere; a faster replay leaves the plain replay's split as it was."""
    bench = _bench()
    overlap = _schedule()
    overlap.wait_where = {1: bench.ROUND_END, 3: bench.PARTLY_ASKED}
    assert overlap.replay(cpu_total=0.9) is not None
    plain = dict(overlap.waited_where)
    assert plain == pytest.approx(
        {bench.ROUND_END: 0.6, bench.PARTLY_ASKED: 0.2, bench.OTHER_WAIT: 0.1}
    )
    assert sum(plain.values()) == pytest.approx(overlap.waited)
    overlap.replay(cpu_total=0.9, faster=2.0)
    assert overlap.waited_where == plain


def _row(shrinking: float | None) -> dict[str, Any]:
    return {
        "idle_waited": 0.9,
        "idle_waited_shrinking": shrinking,
        "idle_waited_where": {"a batch partly asked before (shrinking's candidates)": 0.3},
        "idle_wall": 1.8,
        "no_wait_share": 0.7,
    }


def test_waits_while_shrinking_unseen_are_said_so_never_zero() -> None:
    """Under the compiled build the hook on ``Engine._findings`` never runs: the line said
    "0.00 s of it while shrinking" (perf48, the lead's 47th section); now it says it was not
    seen, and gives the split by where the waits were made, seen in every build."""
    bench = _bench()
    unseen = bench.waits_line([_row(None)])
    assert "while shrinking: not seen" in unseen
    assert "0.00 s of it while shrinking" not in unseen
    assert "0.30 s a batch partly asked before" in unseen
    seen = bench.waits_line([_row(0.25)])
    assert "0.25 s of it while shrinking" in seen
    assert "with no wait at all the share would be 70%" in seen


def test_the_overlap_hooks_dispatch_and_puts_it_back() -> None:
    """``install`` wraps ``Dispatch._predict_sent``/``_predict_partial``/``_predict_turns``
    (pure Python in every build, so the waits are placed under the compiled one too);
    ``restore`` puts them back; a shrinking hook that never ran is not taken for no wait
    while shrinking."""
    from assay.text import dispatch

    names = ("_predict_sent", "_predict_partial", "_predict_turns")
    before = [getattr(dispatch.Dispatch, n) for n in names]
    overlap = _bench().Overlap()
    overlap.install()
    try:
        assert all(
            getattr(dispatch.Dispatch, n) is not b for n, b in zip(names, before, strict=True)
        )
    finally:
        overlap.restore()
    assert [getattr(dispatch.Dispatch, n) for n in names] == before
    assert overlap.shrinking_seen is False


def _bench_module(name: str) -> Any:
    """``bench/NAME.py`` loaded as a module (the bench folder on the path meanwhile: its
    files import ``text``, the bench beside them)."""
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH.parent / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # (registered: numba's cache of a compiled loop finds its module by name)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def _free_bench() -> Any:
    return _bench_module("text_free")


def _timed_parts(free: Any) -> tuple[list[float], Any, Any, type]:
    """A clock set by hand, a ``Freed`` on it, its ``Shifted`` events, and a class whose
    ``outer`` (1.0 s, ``inner``, 0.25 s) calls ``inner`` (0.5 s): each makes an event at
    its end ("send" inside ``inner``, "wait" inside ``outer``)."""
    clock = [0.0]
    freed = free.Freed(clock=lambda: clock[0])
    events = free.Shifted(freed)

    class Part:
        def inner(self) -> None:
            clock[0] += 0.5
            events.append(("send", clock[0], 1))

        def outer(self) -> None:
            clock[0] += 1.0
            self.inner()
            clock[0] += 0.25
            events.append(("wait", clock[0], 1))

    return clock, freed, events, Part


def test_the_free_bench_moves_each_event_by_the_freed_cpu_so_far() -> None:
    """bench/text_free.py: a hooked part's CPU (nested calls counted once, the call under
    way counted up to the event) is taken off every event made inside or after it."""
    clock, freed, events, Part = _timed_parts(_free_bench())
    freed.wrap(Part, "inner")
    freed.wrap(Part, "outer")
    events.append(("send", 0.0, 0))
    clock[0] = 2.0
    Part().outer()
    clock[0] += 1.0
    events.append(("wait", clock[0], 0))
    freed.restore()
    assert list(events) == [
        ("send", 0.0, 0),
        ("send", 3.5, 1),
        ("wait", 3.75, 1),
        ("wait", 4.75, 0),
    ]
    # inside ``inner``: 1.5 s of the parts so far; at the end of ``outer``: 1.75 s
    assert events.moved == [("send", 0.0, 0), ("send", 2.0, 1), ("wait", 2.0, 1), ("wait", 3.0, 0)]
    assert freed.spent == pytest.approx(1.75)
    assert Part.outer.__name__ == "outer"  # put back


def test_the_free_bench_takes_each_parts_share_of_its_own_cpu() -> None:
    """bench/text_free.py ``PART=SHARE``: each stretch of CPU is the innermost hooked part's
    and only its share is taken out (a part kept, ``send=0``, inside a freed one keeps its
    CPU in the schedule); ``by_part`` says each part's own CPU."""
    free = _free_bench()
    clock, freed, events, Part = _timed_parts(free)
    freed.wrap(Part, "inner", 0.0, "send")
    freed.wrap(Part, "outer", 1.0, "outer")
    Part().outer()  # inside the kept part: 1.0 s taken so far; at the end, 1.25 s
    clock[0] += 2.0
    freed.restore()
    freed.wrap(Part, "inner", 0.0, "send")
    freed.wrap(Part, "outer", 0.5, "half")  # (now half of the outer part's CPU taken out)
    Part().outer()
    freed.restore()
    assert events.moved == [
        ("send", 0.5, 1),
        ("wait", 0.5, 1),
        ("send", 3.5, 1),
        ("wait", 3.625, 1),
    ]
    assert freed.spent == pytest.approx(3.5)
    assert freed.taken == pytest.approx(1.25 + 0.625)
    assert freed.by_part == pytest.approx({"outer": 1.25, "send": 1.0, "half": 1.25})
    assert freed.depth == 0
    assert free._part("findings") == ("findings", 1.0)
    assert free._part("propose=0.45") == ("propose", 0.45)
    for bad in ("nothing", "propose=2", "propose=x"):
        with pytest.raises(free.argparse.ArgumentTypeError):
            free._part(bad)
