"""A model over encoded rows: searches work in the schema's encoded space."""

from __future__ import annotations

import numpy as np

from assay.core.model import Capabilities, Model, ModelInputs
from assay.fairness.schema import Schema

__all__ = ["EncodedModel"]


class EncodedModel:
    """Takes encoded rows (float64 matrix), decodes them and asks the wrapped model.

    Wrapped in a ``BudgetedModel``, the cache then keys plain float rows, which is fast.
    """

    def __init__(self, schema: Schema, model: Model) -> None:
        self.schema = schema
        self.model = model
        self.capabilities: Capabilities = model.capabilities

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        rows = np.asarray(inputs, dtype=np.float64)
        return np.asarray(self.model.predict(self.schema.decode(rows)))
