"""mutation49b: the seconds a run counts as its model's (``core.budget.BudgetedModel``,
perf48b): a model answering in another process (``text.pipeline.PanelWorker``) says its own
seconds in ``answer_seconds``; each call counts what it added, never the whole so far, nor
this thread's wait."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.keys import input_keys
from assay.core.model import Capabilities

SECONDS = 1.5  # the answering process's seconds per call, as faked (no clock read)


class _Away:
    """A model whose answers took ``SECONDS`` each where they were made."""

    capabilities = Capabilities("text", 2, "proba")

    def __init__(self) -> None:
        self.answer_seconds = 0.0

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.answer_seconds += SECONDS
        return np.full((len(inputs), 2), 0.5)


def _keys(texts: list[str]) -> np.ndarray:
    keys = input_keys(texts)
    assert keys is not None
    return keys


def test_each_call_counts_the_seconds_it_added() -> None:
    # (BU1) the model's own seconds, not the wait; (BU2) what this call added, not the total
    model = BudgetedModel(_Away(), cache_size=0)
    for k in range(3):
        texts = [f"call {k} sentence {i}" for i in range(4)]
        assert model.submit_new(texts, _keys(texts)).result().shape == (4, 2)
    assert model.model_seconds == 3 * SECONDS
