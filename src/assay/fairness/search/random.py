"""The honest baseline: independent samples, uniform or real rows, evaluated in batches."""

from __future__ import annotations

import numpy as np

from assay.core.findings import FindingBatch
from assay.fairness.search.base import BaseSearch

__all__ = ["RandomSearch"]


class RandomSearch(BaseSearch):
    """Samples start points (real rows in a random order when data is given, else uniform
    rows), skips classes already evaluated, and evaluates the rest in one call per round.

    With data, the search ends once every real row has been evaluated.
    """

    strategy = "random"

    def _round(self, capacity: int) -> list[FindingBatch]:
        self.phase = "global"
        if self.starts.distribution == "data":
            if self.starts.exhausted:
                self._finished = True
                return []
            rows, origin = self.starts.real(capacity)
        else:
            rows, origin = self.starts.sample(self.rng, capacity)
        keep = self.ledger.admit(self.oracle.class_keys(rows), capacity)
        if not len(keep):
            return []
        verdicts = self.evaluate(rows[keep])
        mutated = np.full(len(keep), -1, dtype=np.int64)
        batch = self.report(verdicts, mutated, origin[keep])
        if self.starts.exhausted:
            self._finished = True
        return [] if batch is None else [batch]
