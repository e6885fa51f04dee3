"""Are the classifiers deterministic?  A classifier that answers a sentence otherwise the second
time (sampling, dropout left on, a service that changes under load) finds "errors" that are
noise.  Two checks, both asked of the classifiers directly (not counted as queries, never
through the run's cache, so that they change nothing the seeded search finds):

- at the start (``probe``), ``PROBE`` sentences drawn from the grammar are asked twice, as a
  fairness run asks its rows twice: this catches a classifier that samples even when the
  run finds nothing, and names it;
- after the run (``recheck``), a sample of its stored minimal failing sentences is asked
  again.

The run's summary (``determinism``) says how many changed, and its headline warns when any
did.  A check that fails (a served classifier that stops answering, a call past its
deadline) is left out with a note: it never turns the run into a model failure."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.display import count, percent
from assay.core.model import Model
from assay.core.store import RunStore

__all__ = ["PROBE", "SAMPLE", "probe", "recheck", "record_recheck"]

SAMPLE = 64  # minimal sentences asked again, the first stored
PROBE = 32  # sentences of the grammar asked twice at the start


def _guarded(model: Model, call_timeout: float | None, max_time: float | None) -> BudgetedModel:
    """``model`` with a deadline on each call (``call_timeout``) and on all (``max_time``),
    no cache and no query budget; a call still out when the time is up ends the check
    (``BudgetExhausted``), it is not a model that never answered."""
    guarded = BudgetedModel(model, call_timeout=call_timeout, max_time=max_time, cache_size=0)
    guarded.answered = 1
    return guarded


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, whether two answers differ (beyond float noise)."""
    out: np.ndarray = ~np.all(np.isclose(a, b, rtol=1e-6, atol=1e-9), axis=1)
    return out


def probe(
    model: Model,
    sentences: list[str],
    names: list[str],
    widths: list[int],
    *,
    call_timeout: float | None,
    max_time: float | None = None,
) -> dict[str, Any]:
    """Ask ``sentences`` twice (two calls); how many were answered otherwise, and by which
    classifiers (``names``, each answering ``widths[k]`` columns of the panel's answer).
    A check that failed says why (``skipped``) instead."""
    from assay.errors import AssayError

    sentences = list(dict.fromkeys(s for s in sentences if s.strip()))
    if not sentences:
        return {"sentences": 0, "changed": 0, "classifiers": []}
    guarded = _guarded(model, call_timeout, max_time)
    try:
        first = np.asarray(guarded.predict(sentences), dtype=np.float64)
        second = np.asarray(guarded.predict(sentences), dtype=np.float64)
    except (AssayError, ValueError, TypeError) as exc:
        return {"sentences": 0, "changed": 0, "classifiers": [], "skipped": _why(exc)}
    finally:
        guarded.close()
    first, second = first.reshape(len(sentences), -1), second.reshape(len(sentences), -1)
    changed = _changed(first, second)
    which: list[str] = []
    at = 0
    for name, width in zip(names, widths, strict=True):
        if (
            first.shape[1] >= at + width
            and _changed(first[:, at : at + width], second[:, at : at + width]).any()
        ):
            which.append(name)
        at += width
    return {"sentences": len(sentences), "changed": int(changed.sum()), "classifiers": which}


def _section(
    probed: dict[str, Any] | None, check: dict[str, Any] | None, skipped: str | None
) -> dict[str, Any]:
    """The report's section on the two checks."""
    parts: list[str] = []
    if probed is not None and probed.get("sentences"):
        who = ", ".join(probed.get("classifiers") or [])
        parts.append(
            f"{count(probed['sentences'])} sentences of the grammar were asked twice before the "
            f"search: {count(probed['changed'])} were answered otherwise"
            + (f" (by {who})." if who else ".")
        )
    elif probed is not None and probed.get("skipped"):
        parts.append(f"The check at the start could not be made: {probed['skipped']}.")
    if check is not None:
        parts.append(
            f"{count(check['sampled'])} stored minimal failing sentences were asked again after "
            f"it: {count(check['changed'])} were answered otherwise."
        )
    if skipped is not None:
        parts.append(f"The stored minimal failing sentences could not be asked again: {skipped}.")
    return {"title": "Determinism", "text": " ".join(parts)}


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


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
    guarded = _guarded(model, call_timeout, max_time)
    try:
        again = np.asarray(guarded.predict(sentences), dtype=np.float64)
    finally:
        guarded.close()
    again = again.reshape(len(sentences), -1)
    if again.shape != before.shape:
        return None
    return {"sampled": len(sentences), "changed": int(_changed(again, before).sum())}


def record_recheck(
    store: RunStore,
    run_id: str,
    model: Model | None,
    *,
    call_timeout: float | None,
    max_time: float | None = None,
    probed: dict[str, Any] | None = None,
) -> None:
    """``recheck`` (``model`` None: not made) and the start's ``probe`` (``probed``), in the
    run's summary (``determinism``), with a warning when any answer changed.  A re-check
    that fails is noted, never raised."""
    from assay.errors import AssayError

    check: dict[str, Any] | None = None
    skipped: str | None = None
    if model is not None:
        try:
            check = recheck(store, run_id, model, call_timeout=call_timeout, max_time=max_time)
        except (AssayError, ValueError, TypeError) as exc:
            skipped = _why(exc)
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    if not summary or (check is None and probed is None and skipped is None):
        return
    found = dict(check or {})
    if skipped is not None:
        found["skipped"] = skipped
    if probed is not None:
        found["probe"] = probed
    summary["determinism"] = found
    metrics = dict(summary.get("metrics") or {})
    warnings = list(summary.get("warnings") or [])
    said: list[str] = []
    if probed is not None and probed.get("sentences"):
        metrics["sentences answered otherwise when asked twice at the start"] = probed["changed"]
        if probed["changed"]:
            share = probed["changed"] / probed["sentences"]
            who = ", ".join(probed.get("classifiers") or []) or "the classifiers"
            said.append(
                f"{who} {'is' if len(probed.get('classifiers') or []) == 1 else 'are'} not "
                f"deterministic: {count(probed['changed'])} of {count(probed['sentences'])} "
                f"sentences asked twice at the start were answered otherwise "
                f"({percent(share)}); the findings may be noise and may not reproduce"
            )
    if check is not None:
        metrics["minimal sentences answered otherwise when asked again"] = check["changed"]
        if check["changed"]:
            share = check["changed"] / check["sampled"]
            said.append(
                f"the classifiers are not deterministic: {count(check['changed'])} of "
                f"{count(check['sampled'])} minimal failing sentences asked again were "
                f"answered otherwise ({percent(share)}); the findings may not reproduce"
            )
    if skipped is not None:
        warnings.append(f"the minimal failing sentences could not be asked again: {skipped}")
    summary["metrics"] = metrics
    summary["sections"] = [*(summary.get("sections") or []), _section(probed, check, skipped)]
    if said:
        warnings.extend(said)
        summary["headline"] = f"{summary.get('headline', '')} (warning: {'; '.join(said)})"
    if warnings:
        summary["warnings"] = warnings
    store.checkpoint(run_id, summary=summary)
