"""A text round's batch holding sentences asked before (a shrinking round's, mostly): the
never-asked ones are sent at once and the round's other work runs while the classifiers
answer them, with the same sentences asked, counted and answered as by one call."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.keys import text_keys
from assay.core.model import Capabilities
from assay.text.dispatch import Dispatch


class _Lengths:
    """A classifier answering from each sentence's length; it logs every call's sentences."""

    capabilities = Capabilities(modality="text", n_classes=2, outputs="proba")

    def __init__(self, log: list[Any]) -> None:
        self.log = log

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.log.append(("answer", list(inputs)))
        return np.array([[len(t) / 10.0, 1 - len(t) / 10.0] for t in inputs])


class _Later:
    """A caller whose calls run when their answer is read (as a worker's are awaited)."""

    def __init__(self, log: list[Any]) -> None:
        self.log = log

    def submit(self, call: Any, /) -> Any:
        self.log.append("sent")
        log = self.log

        class _Call:
            def result(self) -> np.ndarray:
                log.append("read")
                out: np.ndarray = call()
                return out

        return _Call()

    def close(self) -> None:
        return None


def _dispatch(model: BudgetedModel, asked: list[str]) -> Dispatch:
    d = Dispatch()
    d.model = model
    d.asked = {int(k) for k in text_keys(asked)}
    d._pending, d._sent, d._turns = {}, {}, None
    return d


def _partial(log: list[Any]) -> tuple[BudgetedModel, Dispatch]:
    model = BudgetedModel(_Lengths(log), max_queries=100, caller=_Later(log))
    before = ["a", "bb"]
    model.predict_new(before, text_keys(before))  # asked in an earlier round
    d = _dispatch(model, before)
    log.clear()
    return model, d


FLAT = ["bb", "ccc", "a", "ccc", "dddd"]  # two asked before, one new sentence twice


def test_the_new_sentences_are_answered_while_the_rest_of_the_round_runs() -> None:
    log: list[Any] = []
    model, d = _partial(log)
    keys = [int(k) for k in text_keys(FLAT)]
    out = d._predict(FLAT, keys, lambda: log.append("meanwhile"))
    # sent (each new sentence once), the round's work done, then the answer read
    assert log == ["sent", "meanwhile", "read", ("answer", ["ccc", "dddd"])]
    expect = np.array([[len(t) / 10.0, 1 - len(t) / 10.0] for t in FLAT])
    assert np.array_equal(out, expect)
    assert model.queries == 2 + 2  # as one call of them all would count
    # remembered: asked again, they cost nothing
    again = model.predict(["dddd", "ccc"], keys=text_keys(["dddd", "ccc"]))
    assert np.array_equal(again, expect[[4, 1]]) and model.queries == 4


def test_the_answers_queries_and_calls_are_those_of_one_call() -> None:
    log: list[Any] = []
    model, d = _partial(log)
    keys = [int(k) for k in text_keys(FLAT)]
    out = d._predict(FLAT, keys, lambda: None)
    log2: list[Any] = []
    one, _ = _partial(log2)
    same = one.predict(FLAT, keys=text_keys(FLAT))
    assert np.array_equal(out, same) and out.dtype == same.dtype
    assert model.queries == one.queries and model.requests == one.requests
    answered = [e[1] for e in log if isinstance(e, tuple)]
    answered2 = [e[1] for e in log2 if isinstance(e, tuple)]
    assert sorted(map(sorted, answered)) == sorted(map(sorted, answered2))


def test_a_batch_of_sentences_all_asked_before_is_looked_up_without_a_call() -> None:
    log: list[Any] = []
    model, d = _partial(log)
    flat = ["a", "bb", "a"]
    out = d._predict(flat, [int(k) for k in text_keys(flat)], lambda: log.append("meanwhile"))
    assert "sent" not in log and model.queries == 2
    assert np.array_equal(out[:, 0], [0.1, 0.2, 0.1])
