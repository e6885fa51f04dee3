"""Replay stored fairness findings against a model: which still discriminate?"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.model import Model
from assay.core.replay import ReplayResult
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Schema

__all__ = ["ReplayResult", "replay"]


def replay(
    batches: Iterable[FindingBatch],
    schema: Schema,
    model: Model,
    *,
    threshold: float | None = None,
    chunk: int = 20_000,
) -> ReplayResult:
    """Re-evaluate every stored IDI against ``model`` (encoded-space), batched."""
    oracle = Oracle(schema, model, threshold=threshold)
    total = failing = 0
    examples: list[int] = []
    for batch in batches:
        if batch.kind != "fairness.idi" or not len(batch):
            continue
        gen = batch.columns.get("generated", np.zeros(len(batch), dtype=np.int64)).astype(int)
        rows = batch.inputs[np.arange(len(batch)), gen].astype(np.float64)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            bad = oracle.evaluate(part).discriminatory
            if len(examples) < 10:
                examples.extend((total + np.flatnonzero(bad)[: 10 - len(examples)]).tolist())
            failing += int(bad.sum())
            total += len(part)
    return ReplayResult(total=total, still_failing=failing, examples=examples)
