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
        rows, origin = self._draw(self.rng, capacity)
        keep = self.ledger.admit(self.oracle.class_keys(rows), capacity)
        extra, e_origin = self._top_up(len(keep), capacity, self._draw)  # mostly seen
        if len(extra):
            keep = np.concatenate([keep, len(rows) + np.arange(len(extra))])
            rows, origin = np.concatenate([rows, extra]), np.concatenate([origin, e_origin])
        if not len(keep):
            return []
        verdicts = self.evaluate(rows[keep])
        mutated = np.full(len(keep), -1, dtype=np.int64)
        batch = self.report(verdicts, mutated, origin[keep])
        return [] if batch is None else [batch]

    def _draw(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Real rows not drawn before, else (no data, or every real row done) uniform rows
        of the schema's space; with their origins."""
        if self.starts.distribution == "data" and not self.starts.exhausted:
            return self.starts.real(n)
        return self.schema.sample_uniform(rng, n), np.full(n, -1, dtype=np.int64)

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
