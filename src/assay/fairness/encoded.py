"""A model over encoded rows: searches work in the schema's encoded space."""

from __future__ import annotations

import numpy as np

from assay.core.model import Capabilities, Model, ModelInputs
from assay.fairness.schema import Schema

__all__ = ["EncodedModel"]


class EncodedModel:
    """Takes encoded rows (float64 matrix), decodes them and asks the wrapped model.

    Wrapped in a ``BudgetedModel``, the cache then keys plain float rows, which is fast.
    It also watches whether the model's answers ever varied (``varied``; ``answered``
    inputs so far): a model that gives one answer to every input can never be found
    discriminatory, so a run on it has tested nothing (once an answer differs from the
    first, the watch costs nothing more).  ``sent``: every row it has passed on, so that a
    run can say how many queries each of its phases asked (``phases.asked``).
    """

    def __init__(self, schema: Schema, model: Model) -> None:
        self.schema = schema
        self.model = model
        self.capabilities: Capabilities = model.capabilities
        self.first_answer: np.ndarray | None = None
        self.varied = False
        self.answered = 0
        self.sent = 0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        rows = np.asarray(inputs, dtype=np.float64)
        self.sent += len(rows)
        out = np.asarray(self.model.predict(self.schema.decode(rows)))
        if not self.varied and len(out):
            self._watch(out)
        return out

    def _watch(self, out: np.ndarray) -> None:
        flat = out.reshape(len(out), -1)
        if self.first_answer is None or self.first_answer.shape != flat.shape[1:]:
            self.first_answer = flat[0].copy()
        # NaN != NaN: an answer with NaN counts as varied (it is never taken for a constant)
        self.varied = bool((flat != self.first_answer).any())
        self.answered += len(out)
