"""Are the classifiers deterministic?  After a run, a sample of its stored minimal failing
sentences is asked again: a classifier that answers one otherwise the second time (sampling,
dropout left on, a service that changes under load) found "errors" that may not reproduce.
The run's summary says how many changed, and warns in its headline when any did (a fairness
run checks the same of its IDIs)."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.display import count, percent
from assay.core.model import Model
from assay.core.store import RunStore

__all__ = ["SAMPLE", "recheck", "record_recheck"]

SAMPLE = 64  # minimal sentences asked again, the first stored


def _stored(store: RunStore, run_id: str) -> tuple[list[str], np.ndarray | None]:
    sentences: list[str] = []
    rows: list[np.ndarray] = []
    for batch in store.iter_batches(run_id):
        outputs = np.asarray(batch.outputs, dtype=np.float64)
        for i in range(len(batch)):
            sentences.append(str(batch.inputs[i][0]))
            rows.append(outputs[i, 0].reshape(-1))
            if len(sentences) >= SAMPLE:
                return sentences, np.stack(rows)
    return sentences, np.stack(rows) if rows else None


def recheck(
    store: RunStore,
    run_id: str,
    model: Model,
    *,
    call_timeout: float | None,
    max_time: float | None = None,
) -> dict[str, Any] | None:
    """How many of the sampled minimal sentences were answered otherwise when asked again
    (None: no finding to ask).  One call, within ``call_timeout`` and ``max_time``."""
    sentences, before = _stored(store, run_id)
    if before is None:
        return None
    guarded = BudgetedModel(model, call_timeout=call_timeout, max_time=max_time, cache_size=0)
    guarded.answered = 1  # answered before: a slow answer is a time-out, not "never answered"
    try:
        again = np.asarray(guarded.predict(sentences), dtype=np.float64)
    finally:
        guarded.close()
    again = again.reshape(len(sentences), -1)
    if again.shape != before.shape:
        return None
    changed = ~np.all(np.isclose(again, before, rtol=1e-6, atol=1e-9), axis=1)
    return {"sampled": len(sentences), "changed": int(changed.sum())}


def record_recheck(
    store: RunStore,
    run_id: str,
    model: Model,
    *,
    call_timeout: float | None,
    max_time: float | None = None,
) -> None:
    """``recheck``, in the run's summary (``determinism``), with a warning when any changed."""
    check = recheck(store, run_id, model, call_timeout=call_timeout, max_time=max_time)
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    if check is None or not summary:
        return
    summary["determinism"] = check
    metrics = dict(summary.get("metrics") or {})
    metrics["minimal sentences answered otherwise when asked again"] = check["changed"]
    summary["metrics"] = metrics
    if check["changed"]:
        share = check["changed"] / check["sampled"]
        said = (
            f"the classifiers are not deterministic: {count(check['changed'])} of "
            f"{count(check['sampled'])} minimal failing sentences asked again were answered "
            f"otherwise ({percent(share)}); the findings may not reproduce"
        )
        summary["warnings"] = [*(summary.get("warnings") or []), said]
        summary["headline"] = f"{summary.get('headline', '')} (warning: {said})"
    store.checkpoint(run_id, summary=summary)
