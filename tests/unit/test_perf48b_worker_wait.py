"""The classifiers' worker answers read where they are needed (``pipeline.WorkerCaller``):
no thread of the run's process between the search and the worker's pipe, the call's
deadlines the wait's timeout (``core.calls.wait_ready``), answers right in any order of
collecting, and a hung or crashing classifier ended as before."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_mutation29_sweep import _within

from assay.core.budget import BudgetedModel
from assay.core.calls import CallTimeout, StopRequest, calls_left_running
from assay.core.keys import input_keys
from assay.errors import BudgetExhausted, ModelError
from assay.text.api import check_text, setup_text
from assay.text.pipeline import WORKER_ENV, PanelWorker, WorkerCaller, worker_mode

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
LATER = 12  # (text_fakes.LATER: the calls a "..._later" classifier answers first)
# each test's deadline: a wait that regressed (five of mutation49b's mutants hung this file)
# fails its test here rather than stalling CI (the slowest takes 3 s at load 14)
DEADLINE = 120.0


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    with _within(DEADLINE):
        yield


def _needs_fork() -> None:
    mode, why = worker_mode("process")
    if mode != "process":
        pytest.skip(f"no worker process in this test process: {why}")


def _panel(second: str = "negation_blind") -> Any:
    return setup_text([f"{FAKES}:lexicon", f"{FAKES}:{second}"], grammar="builtin:reviews").model


def _texts(tag: str, n: int = 5) -> list[str]:
    return [f"the {tag} film was not good {i}" for i in range(n)]


def _budgeted(worker: PanelWorker, **kw: Any) -> BudgetedModel:
    return BudgetedModel(worker, caller=WorkerCaller(), cache_size=0, **kw)


def _ask(model: BudgetedModel, texts: list[str]) -> np.ndarray:
    return model.submit_new(texts, input_keys(texts)).result()


def test_answers_are_right_in_any_order_of_collecting() -> None:
    _needs_fork()
    panel = _panel("negation_blind")
    a, b, c, d = (_texts(t) for t in ("first", "second", "third", "fourth"))
    d[0] = "it was not bad"  # (the two classifiers disagree: rows that differ by batch)
    want = {k: np.asarray(panel.predict(v)) for k, v in zip("abcd", (a, b, c, d), strict=True)}
    worker = PanelWorker(panel)
    try:
        worker.send_early(a)
        worker.send_early(b)
        got_b = worker.predict(b)  # a's answer read on the way, kept
        got_a = worker.predict(a)
        worker.send_early(d)
        got_c = worker.predict(c)  # not sent early: sent now, behind d
        got_d = worker.predict(d)
        assert not worker.stuck()
    finally:
        worker.close()
    for k, got in zip("abcd", (got_a, got_b, got_c, got_d), strict=True):
        np.testing.assert_array_equal(got, want[k])
    assert panel.calls >= 4  # (counted as each answer was read)


def test_the_calls_run_in_the_thread_that_reads_them() -> None:
    _needs_fork()
    worker = PanelWorker(_panel())
    try:
        model = _budgeted(worker, call_timeout=30.0)
        before = {t.ident for t in threading.enumerate()}
        seen: list[int | None] = []
        texts = _texts("plain")
        call = model.submit_fresh(texts, then=lambda _a: seen.append(threading.get_ident()))
        assert {t.ident for t in threading.enumerate()} == before  # none started for it
        out = call.result()
        assert seen == [threading.get_ident()]
        assert out.shape[0] == len(texts) and model.answered == 1
        assert model.model_seconds == worker.answer_seconds > 0  # the worker's own time
    finally:
        worker.close()


def _hang(worker: PanelWorker, model: BudgetedModel) -> None:
    for i in range(LATER):  # answered
        _ask(model, _texts(f"call{i}", 2))
    _ask(model, _texts("hangs", 2))


def test_a_hung_classifier_hits_the_call_timeout_and_is_killed() -> None:
    _needs_fork()
    worker = PanelWorker(_panel("hangs_later"))
    try:
        model = _budgeted(worker, call_timeout=1.0)
        with pytest.raises(CallTimeout, match="did not answer within 1 s"):
            _hang(worker, model)
        assert worker.stuck() and worker.hung_on() == "text_fakes.py:hangs_later"
        assert not calls_left_running()  # no thread of this process is left in the call
    finally:
        worker.close()
    assert worker._ended and multiprocessing.active_children() == []  # killed, reaped


def test_a_hung_classifier_ends_at_the_time_budget() -> None:
    _needs_fork()
    worker = PanelWorker(_panel("hangs_later"))
    try:
        model = _budgeted(worker, call_timeout=3600.0, max_time=3.0)
        with pytest.raises(BudgetExhausted, match="while the model was answering"):
            _hang(worker, model)
    finally:
        worker.close()


def test_a_stop_ends_the_wait_for_a_hung_classifier() -> None:
    _needs_fork()
    worker = PanelWorker(_panel("hangs_later"))
    stop = StopRequest()
    try:
        model = _budgeted(worker, call_timeout=3600.0, stop=stop)
        calls = []
        for i in range(LATER + 2):  # all sent; the classifier hangs in one of them
            texts = _texts(f"call{i}", 2)
            calls.append(model.submit_new(texts, input_keys(texts)))
        stop.set()
        with pytest.raises(KeyboardInterrupt):
            calls[-1].result()  # (the answers before it read on the way)
    finally:
        worker.close()


@pytest.mark.parametrize(
    ("fn", "needle"), [("exits_later", r"os\._exit\(1\)"), ("crashes_later", "SIGSEGV")]
)
def test_a_crashing_classifier_is_a_model_error_under_the_new_wait(fn: str, needle: str) -> None:
    _needs_fork()
    worker = PanelWorker(_panel(fn))
    try:
        model = _budgeted(worker, call_timeout=60.0)
        with pytest.raises(ModelError, match=needle):
            _hang(worker, model)
    finally:
        worker.close()


def test_large_batches_crossing_large_answers_do_not_wait_on_each_other() -> None:
    """The run sends its next batches before it reads an answer: were the worker not reading
    them as they come (``pipeline._inbox``), a batch and an answer each larger than the pipe
    holds would wait on each other for ever."""
    _needs_fork()
    worker = PanelWorker(_panel())
    n = 60_000  # ~3 MB a batch, ~2 MB an answer: far beyond a pipe's buffer
    batches = [[f"{'a' * 40} {k} {i}" for i in range(n)] for k in range(3)]
    got: list[np.ndarray] = []

    def run() -> None:
        for b in batches:
            worker.send_early(b)
        got.extend(worker.predict(b) for b in batches)

    t = threading.Thread(target=run, daemon=True)
    try:
        t.start()
        t.join(timeout=300)
        assert not t.is_alive(), "the run and its worker wait on each other"
    finally:
        worker.close()
    assert [len(g) for g in got] == [n] * 3


def test_a_run_with_a_hung_classifier_keeps_its_findings_at_the_call_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_fork()
    monkeypatch.setenv(WORKER_ENV, "process")
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the fixture counts the search's calls
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:hangs_later"], grammar="builtin:reviews")
    store = tmp_path / "hangs.db"
    with pytest.raises(ModelError, match="call-timeout"):
        check_text(setup=setup, store=store, max_queries=100_000, seed=3, call_timeout=1.0)
    from assay.core.store import RunStore

    (run,) = RunStore(store).list_runs()
    assert run.status == "failed" and run.n_findings > 0
    assert multiprocessing.active_children() == []  # the hung worker was killed
