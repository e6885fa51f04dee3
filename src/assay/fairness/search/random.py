"""The honest baseline: independent samples, uniform or real rows, evaluated in batches."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.fairness.search.base import BaseSearch

__all__ = ["RandomSearch"]


class RandomSearch(BaseSearch):
    """Samples start points (real rows in a random order when data is given, else uniform
    rows), skips classes already evaluated, and evaluates the rest in one call per round.

    With data, once every real row was evaluated the search moves on to uniform samples of
    the schema's space (real rows drawn again would all be classes already evaluated), and
    says so in its summary (``searching``).  It ends before its budget only when the space
    itself is covered or no new class turns up (stop reason "space covered" or "no new
    inputs").
    """

    strategy = "random"

    def _round(self, capacity: int) -> list[FindingBatch]:
        self.phase = "global"
        if self.starts.distribution == "data" and not self.starts.exhausted:
            rows, origin = self.starts.real(capacity)
        else:  # no data, or every real row done: the schema's space
            rows = self.schema.sample_uniform(self.rng, capacity)
            origin = np.full(capacity, -1, dtype=np.int64)
        keep = self.ledger.admit(self.oracle.class_keys(rows), capacity)
        if not len(keep):
            return []
        verdicts = self.evaluate(rows[keep])
        mutated = np.full(len(keep), -1, dtype=np.int64)
        batch = self.report(verdicts, mutated, origin[keep])
        return [] if batch is None else [batch]

    def searching(self) -> str:
        if self.starts.distribution != "data":
            return "the schema's space"
        if self.starts.exhausted:
            return f"all {self.starts.n_rows:,} real rows, then the schema's space"
        return "real rows"

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["searching"] = self.searching()
        return out
