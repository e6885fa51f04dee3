"""The calls around the text search's classifiers, made cheaper (bench/RESULTS.md, perf51b)
without changing a sentence sent, its order, an answer or the cache: the parts sent ahead
are noted in bulk (each new sentence once, at its first place, its row in its part's
answer); the worker's pipe is polled by one poller made once; a call that only reads the
worker's pipe is not shielded (no model code runs in this process); a hash set's homes are
mixed without ``errstate``, the same numbers."""

from __future__ import annotations

import multiprocessing.connection
import threading
import warnings
from typing import Any

import numpy as np
import pytest
from test_fast33_dispatch import _dispatch, _Lengths
from test_perf48b_worker_wait import _ask, _budgeted, _needs_fork, _panel, _texts

from assay.core import calls
from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller, WatchedCaller
from assay.core.hashset import KeyIndex
from assay.core.keys import mix64, text_keys
from assay.text.pipeline import PanelWorker, WorkerCaller


class _Case:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts


def _ahead(asked: list[str], *, lag: bool = False) -> tuple[BudgetedModel, Any, list[Any]]:
    log: list[Any] = []
    model = BudgetedModel(_Lengths(log), max_queries=100)
    d = _dispatch(model, asked)
    d._asked_log = []
    d._ahead_at, d._ahead_off, d._ahead_part = 0, False, 1
    d._lag = None
    if lag:
        d._lag = type("Lag", (), {"drafted": lambda self: None})()

    def entry(case: _Case) -> tuple[Any, list[str], list[int], int]:
        keys = [int(k) for k in text_keys(case.texts)]
        return case, case.texts, keys, keys[0]

    d._entry = entry
    return model, d, log


@pytest.mark.parametrize("lag", [False, True])
def test_a_part_sent_ahead_sends_each_new_sentence_once_in_order(lag: bool) -> None:
    model, d, log = _ahead(["bb"], lag=lag)
    cases = [_Case(["ccc", "bb"]), _Case(["a"]), _Case(["ccc", "dddd"]), _Case(["a", "e"])]
    d.send_ahead(cases, 8)
    sent = ["ccc", "a", "dddd", "e"]  # "bb" asked before; "ccc" and "a" sent once, first place
    keys = [int(k) for k in text_keys(sent)]
    assert d._asked_log == keys and d.asked == {*keys, int(text_keys(["bb"])[0])}
    flights = {id(f) for f, _ in d._sent.values()}
    assert len(flights) == 1 and [d._sent[k][1] for k in keys] == [0, 1, 2, 3]
    assert list(d._sent) == keys
    assert (list(d._pending) == keys) is lag and model.queries == 4
    flight = d._sent[keys[2]][0]
    value = flight.read(model, d._pending)
    assert log == [("answer", sent)] and not d._pending
    # each sentence's row in the part's answer is its own
    for t, k in zip(sent, keys, strict=True):
        assert value[d._sent[k][1]].tolist() == [len(t) / 10.0, 1 - len(t) / 10.0]


def test_a_part_all_new_and_different_is_sent_as_drafted() -> None:
    model, d, log = _ahead([])
    cases = [_Case(["dddd"]), _Case(["a", "bb"]), _Case(["ccc"])]
    d.send_ahead(cases, 8)
    keys = [int(k) for k in text_keys(["dddd", "a", "bb", "ccc"])]
    assert d._asked_log == keys and [d._sent[k][1] for k in keys] == [0, 1, 2, 3]
    d._sent[keys[0]][0].read(model, d._pending)
    assert log == [("answer", ["dddd", "a", "bb", "ccc"])]
    d.send_ahead([*cases, _Case(["a"]), _Case(["ccc", "eeeee"])], 8)  # only "eeeee" is new
    assert d._asked_log == [*keys, int(text_keys(["eeeee"])[0])] and model.queries == 5


def test_a_call_reading_a_worker_runs_no_shield() -> None:
    """The shield (its count of model calls in progress, its signal handlers read and put
    back) is for a model's own code; a worker's answer is read here, its code runs there."""
    seen: list[int] = []

    def call() -> np.ndarray:
        seen.append(calls._in_model.get(threading.get_ident(), 0))
        return np.zeros(1)

    WatchedCaller(InlineCaller(), call_timeout=60.0).submit(call).result()
    WatchedCaller(WorkerCaller(), call_timeout=60.0).submit(call).result()
    assert seen == [1, 0]


def test_the_worker_is_polled_by_its_own_poller(monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_fork()
    waited: list[Any] = []
    real = multiprocessing.connection.wait

    def wait(*args: Any, **kwargs: Any) -> Any:
        waited.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(multiprocessing.connection, "wait", wait)
    worker = PanelWorker(_panel())
    try:
        model = _budgeted(worker, call_timeout=60.0)
        first, second = _texts("first"), _texts("second", 3)
        a = model.submit_new(first, np.zeros(len(first), dtype=np.uint64))
        b = model.submit_new(second, np.zeros(len(second), dtype=np.uint64))
        got_b, got_a = b.result(), a.result()  # collected in the other order
        assert got_a.shape[0] == 5 and got_b.shape[0] == 3
        assert np.array_equal(got_a, _ask(model, first)) and not waited
        assert worker._ready(0) is False  # nothing more to read
    finally:
        worker.close()
    with pytest.raises(OSError):
        worker._ready(0)  # a closed pipe is never polled (its number may be reused)


def test_homes_are_the_same_numbers_without_errstate() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2**64, 2000, dtype=np.uint64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixed = mix64(x)
        one = mix64(x[7])  # a NumPy scalar: its overflow would warn, inside errstate
        zero_d = mix64(np.array(x[7]))
    with np.errstate(over="ignore"):  # splitmix64's finaliser, spelled out
        z = x.copy()
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    assert np.array_equal(mixed, z) and one == z[7] and zero_d == z[7]
    index = KeyIndex(capacity=100)
    homes = index._home(x)
    size = np.uint64(index._keys.size)
    assert homes.tolist() == [int((int(h) >> 32) * int(size) >> 32) for h in z]
