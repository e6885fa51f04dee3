"""Replay stored fairness findings against a model: which still discriminate?"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.model import Model
from assay.core.replay import OneClass, ReplayResult
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Schema

__all__ = ["ReplayResult", "replay"]

_FRESH = 256  # inputs of the space asked when every stored IDI got the same class


def _watch(outputs: np.ndarray, classes: OneClass, moved: bool, gaps: bool) -> bool:
    """See the classes of a batch of answers (labels ``(n, K)``, probabilities ``(n, K,
    c)``); with ``gaps`` (a ``threshold``: a probability gap is a failure too): whether the
    probabilities moved, so far."""
    out = np.asarray(outputs, dtype=np.float64)
    if out.ndim == 3:  # probabilities: their classes (the first of equals)
        classes.see(np.argmax(out, axis=2))
        if gaps and len(out) and not moved:
            moved = not np.allclose(out, out[0, 0])
    else:
        classes.see(out)
    return moved


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
    classes = OneClass()
    moved = False  # (with a threshold: whether the probabilities moved)
    for batch in batches:
        if batch.kind != "fairness.idi" or not len(batch):
            continue
        gen = batch.columns.get("generated", np.zeros(len(batch), dtype=np.int64)).astype(int)
        rows = batch.inputs[np.arange(len(batch)), gen].astype(np.float64)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            verdicts = oracle.evaluate(part)
            bad = verdicts.discriminatory
            moved = _watch(verdicts.outputs, classes, moved, threshold is not None)
            if len(examples) < 10:
                examples.extend((total + np.flatnonzero(bad)[: 10 - len(examples)]).tolist())
            failing += int(bad.sum())
            total += len(part)
    untested = ""
    if total and not failing and not moved and classes.one is not None:
        # one class for every stored IDI: a fix (they were all alike), or a model that
        # answers one class whatever it is asked; inputs drawn from the space tell
        drawn = schema.sample_uniform(np.random.default_rng(0), _FRESH)
        moved = _watch(oracle.evaluate(drawn).outputs, classes, moved, threshold is not None)
    if total and not failing and not moved and classes.one is not None:
        names = model.capabilities.class_names
        c = classes.one
        shown = repr(names[c]) if names and 0 <= c < len(names) else str(c)
        untested = classes.untested(
            shown,
            f"inputs asked (the stored IDIs and {_FRESH} inputs drawn from the input space, "
            "each with every value of the protected attributes)",
        )
    return ReplayResult(total=total, still_failing=failing, examples=examples, untested=untested)
