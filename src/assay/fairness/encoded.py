"""A model over encoded rows: searches work in the schema's encoded space."""

from __future__ import annotations

import numpy as np

from assay.core.model import Capabilities, Model, ModelInputs, labels_of
from assay.fairness.known_classes import ClassWatch
from assay.fairness.schema import Schema

__all__ = ["EncodedModel"]


class EncodedModel:
    """Takes encoded rows (float64 matrix), decodes them and asks the wrapped model.

    Wrapped in a ``BudgetedModel``, the cache then keys plain float rows, which is fast.
    It also watches whether the model's answers ever varied (``varied``; ``answered``
    inputs so far): a model that gives one answer to every input can never be found
    discriminatory, so a run on it has tested nothing (once an answer differs from the
    first, the watch costs nothing more), and whether the class it gives ever varied
    (``classes_varied``, ``first_class``): a model whose probabilities vary but whose class
    never does can never change class with a protected value either.  ``sent``: every row
    it has passed on, so that a run can say how many queries each of its phases asked
    (``phases.asked``).  ``restart_watch`` starts the watch again: a run judges what its
    search and answer were answered, not the checks asked before them.  ``classes``: for a
    labels model declaring no classes, the classes it answered, checked against the run's
    known outcome classes (``fairness.known_classes``).
    """

    def __init__(self, schema: Schema, model: Model, classes: ClassWatch | None = None) -> None:
        self.schema = schema
        self.model = model
        self.classes = classes
        self.capabilities: Capabilities = model.capabilities
        self.first_answer: np.ndarray | None = None
        self.varied = False
        self.first_class: int | None = None
        self.classes_varied = False
        self.answered = 0
        self.sent = 0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        rows = np.asarray(inputs, dtype=np.float64)
        self.sent += len(rows)
        decoded = self.schema.decode(rows)
        out = np.asarray(self.model.predict(decoded))
        if self.classes is not None and len(out):
            self.classes.check(labels_of(out, self.capabilities), decoded)
        if not self.varied and len(out):
            self._watch(out)
        if not self.classes_varied and len(out):
            self._watch_class(out)
        return out

    def restart_watch(self) -> None:
        """Forget what the model answered so far (``varied``, ``classes_varied``): what the
        search and the answer are answered next is what says whether anything could be found
        (a model that answered the checks before the search, then one answer to everything
        the search asked, passed: exit 0)."""
        self.first_answer = None
        self.varied = False
        self.first_class = None
        self.classes_varied = False
        self.answered = 0

    def _watch_class(self, out: np.ndarray) -> None:
        classes = np.asarray(labels_of(out, self.capabilities)).reshape(-1)
        if self.first_class is None:
            try:
                self.first_class = int(classes[0])
            except (TypeError, ValueError):  # (not class indices: never taken for one class)
                self.classes_varied = True
                return
        self.classes_varied = bool((classes != self.first_class).any())

    def _watch(self, out: np.ndarray) -> None:
        flat = out.reshape(len(out), -1)
        if self.first_answer is None or self.first_answer.shape != flat.shape[1:]:
            self.first_answer = flat[0].copy()
        # NaN != NaN: an answer with NaN counts as varied (it is never taken for a constant)
        self.varied = bool((flat != self.first_answer).any())
        self.answered += len(out)
