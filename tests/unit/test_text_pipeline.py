"""The text search's lanes and the classifiers' worker process (``text.pipeline``): the
same findings whether the classifiers answer in a worker process, a thread or inline; a
worker that dies or hangs ends the run as a model failure with its findings kept."""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.errors import ModelError, UsageError
from assay.text.api import check_text, setup_text
from assay.text.loading import LOADING_PROBE
from assay.text.pipeline import WORKER_ENV, Turns, worker_mode
from assay.text.recheck import plan
from assay.text.summary import SEARCH_SHARE, WALL_SHARE

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
TIMED = {
    "errors per second",
    "errors per second of the search phase only",
    SEARCH_SHARE,
    WALL_SHARE,
    "wall-clock seconds",
}


def _needs_fork() -> None:
    """A worker that crashes must be a process: where assay would not fork in this pytest
    process (torch loaded by an earlier test, other threads), the test would crash pytest
    itself (``make test`` runs this file in a process of its own)."""
    mode, why = worker_mode("process")
    if mode != "process":
        pytest.skip(f"no worker process in this test process: {why}")


def _run(tmp_path: Path, name: str, second: str = "negation_blind", **kw: Any) -> Any:
    setup = setup_text(
        [f"{FAKES}:lexicon", f"{FAKES}:{second}"], grammar="builtin:reviews", **kw.pop("opt", {})
    )
    return check_text(setup=setup, store=tmp_path / f"{name}.db", **kw)


def _rows(result: Any) -> list[tuple[str, str]]:
    s = RunStore(result.store)
    rows = sorted(
        (str(b.inputs[i][0]), str(b.inputs[i][1]))
        for b in s.iter_batches(result.run_id)
        for i in range(len(b))
    )
    s.close()
    return rows


@pytest.mark.parametrize(("strategy", "lanes"), [("walk", 1), ("walk", 2), ("random", 2)])
def test_same_findings_in_every_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy: str, lanes: int
) -> None:
    _needs_fork()
    got = {}
    for mode in ("process", "thread", "inline"):
        monkeypatch.setenv(WORKER_ENV, mode)
        opt = {"strategy": strategy, "lanes": lanes}
        r = _run(tmp_path, mode, max_queries=1500, seed=5, opt=opt)
        assert r.summary["classifiers answered in"]["mode"] == mode
        metrics = {k: v for k, v in r.summary["metrics"].items() if k not in TIMED}
        got[mode] = (_rows(r), metrics, r.progress["queries"])
    assert got["process"][0], "the planted bug was not found"
    assert got["process"] == got["thread"] == got["inline"]
    # the query budget, exactly, less the determinism checks' share (text.recheck.plan) and
    # loading's 2 sentences (the callables' probe)
    assert got["process"][2] == plan(1500, loading=LOADING_PROBE).search_budget()
    assert got["process"][2] == 1500 - 128 - LOADING_PROBE


def test_lanes_never_send_a_sentence_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []
    from assay.text import panel as text_panel

    orig = text_panel.Panel.predict

    def spy(self: Any, inputs: Any) -> Any:
        sent.extend(inputs)
        return orig(self, inputs)

    monkeypatch.setenv(WORKER_ENV, "inline")  # the calls are seen in this process
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the search's calls only
    monkeypatch.setattr(text_panel.Panel, "predict", spy)
    r = _run(tmp_path, "once", max_queries=2000, seed=3, opt={"lanes": 2})
    # (loading asked the callables 2 sentences, within the budget)
    assert len(sent) == len(set(sent)) == r.progress["queries"] == 2000 - LOADING_PROBE


def _spied_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any]
) -> dict[str, tuple[Any, ...]]:
    """Per setting (a function that sets it), the run's findings, metrics and calls to the
    classifiers (inline: seen in this process); each sentence asked once, budget exact."""
    from assay.text import panel as text_panel

    sent: list[str] = []
    calls = [0]
    orig = text_panel.Panel.predict

    def spy(self: Any, inputs: Any) -> Any:
        sent.extend(inputs)
        calls[0] += 1
        return orig(self, inputs)

    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the search's calls only
    monkeypatch.setattr(text_panel.Panel, "predict", spy)
    got = {}
    for label, setting in settings.items():
        setting()
        sent.clear()
        calls[0] = 0
        r = _run(tmp_path, label, max_queries=2000, seed=3)
        # (loading asked the callables 2 sentences, within the budget)
        assert len(sent) == len(set(sent)) == r.progress["queries"] == 2000 - LOADING_PROBE
        metrics = {k: v for k, v in r.summary["metrics"].items() if k not in TIMED}
        got[label] = (_rows(r), metrics, calls[0])
    return got


def test_sending_ahead_keeps_the_findings_and_sends_each_sentence_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round's proposals go to the classifiers in parts as they are drafted: more calls,
    the same findings as one batch per round, and no sentence sent twice."""
    from assay.text import dispatch as text_dispatch
    from assay.text import panel as text_panel

    # (the classifiers' cost per call unknown: the parts are a share of the round)
    monkeypatch.setattr(text_panel.CallCost, "fitted", lambda self: None)
    got = _spied_runs(
        tmp_path,
        monkeypatch,
        {  # the default; never ahead (a part larger than the round)
            "ahead": lambda: monkeypatch.setattr(text_dispatch, "AHEAD_SHARE", 0.25),
            "never": lambda: monkeypatch.setattr(text_dispatch, "AHEAD_SHARE", 100.0),
        },
    )
    assert got["ahead"][0], "the planted bug was not found"
    assert got["ahead"][:2] == got["never"][:2]
    assert got["ahead"][2] > got["never"][2]  # it did send ahead


@pytest.mark.parametrize(
    ("fn", "needle"), [("exits_later", r"os\._exit\(1\)"), ("crashes_later", "SIGSEGV")]
)
def test_a_worker_that_dies_is_a_model_failure_with_findings_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fn: str, needle: str
) -> None:
    _needs_fork()
    monkeypatch.setenv(WORKER_ENV, "process")
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the fixture counts the search's calls
    with pytest.raises(ModelError, match=needle):
        _run(tmp_path, fn, fn, max_queries=100_000, seed=3)
    (run,) = RunStore(tmp_path / f"{fn}.db").list_runs()
    assert run.status == "failed" and needle.replace("\\", "")[:8] in (run.error or "")
    assert multiprocessing.active_children() == []


def test_a_classifier_that_raises_in_the_worker_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "process")
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the fixture counts the search's calls
    with pytest.raises(ModelError, match="the tokenizer service is down"):
        _run(tmp_path, "raises", "breaks_later", max_queries=100_000, seed=3)
    (run,) = RunStore(tmp_path / "raises.db").list_runs()
    assert run.status == "failed" and run.n_findings > 0


def test_a_hung_worker_is_given_up_at_the_time_budget_and_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_fork()
    monkeypatch.setenv(WORKER_ENV, "process")
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the fixture counts the search's calls
    t0 = time.monotonic()
    r = _run(tmp_path, "hangs", "hangs_later", max_time=4.0, seed=3)
    assert time.monotonic() - t0 < 20
    assert r.status == "budget_exhausted" and r.n_findings > 0
    assert multiprocessing.active_children() == []  # the hung worker was killed


def test_worker_mode_falls_back_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_fork()
    monkeypatch.delenv(WORKER_ENV, raising=False)
    mode, why = worker_mode()
    assert mode == "process", why
    monkeypatch.setenv(WORKER_ENV, "inline")
    assert worker_mode()[0] == "inline"
    monkeypatch.setenv(WORKER_ENV, "gpu")
    with pytest.raises(UsageError, match=WORKER_ENV):
        worker_mode()
    monkeypatch.delenv(WORKER_ENV)
    assert worker_mode(served=True)[0] == "thread"
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "onnxruntime", types.ModuleType("onnxruntime"))
        mode, why = worker_mode()
        assert mode == "thread" and "onnxruntime" in why
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="someone-elses")
    other.start()
    try:
        mode, why = worker_mode()
        assert mode == "thread" and "other threads" in why
    finally:
        stop.set()
        other.join()


def test_turns_pass_in_a_fixed_order() -> None:
    turns = Turns(2)
    order: list[str] = []

    def lane(i: int) -> None:
        turns.wait(i)
        for step in range(3):
            order.append(f"{i}{step}")
            turns.give(i)
            turns.wait(i)
        turns.end(i)

    threads = [threading.Thread(target=lane, args=(i,)) for i in range(2)]
    for t in reversed(threads):
        t.start()
    turns.wait_all()
    for t in threads:
        t.join()
    assert order == ["00", "10", "01", "11", "02", "12"]


def test_the_classifiers_cost_per_call_is_fitted_from_the_calls() -> None:
    """``CallCost``: a fixed part per call and a part per sentence, by least squares; none
    before enough calls of different sizes."""
    from assay.text.panel import CallCost

    cost = CallCost()
    for n in (8, 8, 8):
        cost.add(n, 0.005 + 40e-6 * n)
    assert cost.fitted() is None  # too few calls
    same = CallCost()
    for _ in range(10):
        same.add(32, 0.01)
    assert same.fitted() is None  # one size only: the two parts cannot be told apart
    for n in (16, 32, 64, 100, 200, 7, 500):
        cost.add(n, 0.005 + 40e-6 * n)
    fitted = cost.fitted()
    assert fitted is not None
    assert fitted[0] == pytest.approx(0.005) and fitted[1] == pytest.approx(40e-6)


def test_parts_sent_ahead_are_smaller_where_a_call_costs_nothing_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Classifiers whose cost is all per sentence (VADER, TextBlob) get a round in small
    parts (``AHEAD_MIN``): the same findings, more calls; where a call has a fixed cost
    (two TF-IDF pipelines' few ms), the parts stay a quarter of the round."""
    from assay.text import panel as text_panel

    def costing(fixed: float) -> Any:
        return lambda: monkeypatch.setattr(
            text_panel.CallCost, "fitted", lambda self: (fixed, 40e-6)
        )

    got = _spied_runs(tmp_path, monkeypatch, {"free": costing(0.0), "fixed": costing(0.005)})
    assert got["free"][0], "the planted bug was not found"
    assert got["free"][:2] == got["fixed"][:2]
    assert got["free"][2] > got["fixed"][2]
