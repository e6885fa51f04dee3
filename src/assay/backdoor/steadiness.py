"""The backdoor scan's determinism check: a few clean images asked twice before the scan,
the second time in two other batches (a third time, as the first, when answers changed).

A model that answers the same image differently (dropout left on, a served model behind a
random load balancer) makes a scan's findings change from run to run with the same seed:
the check says so (``summary["determinism"]``, the report's Determinism section, and the
rerun caveat read from it: ``core.rerun_caveats``); a model that answers them alike in
their own batch but otherwise in others depends on the batch, and is warned of.  It asks
``2 * n`` queries (``3 * n`` when answers changed), within
``--max-queries`` (at most a tenth of it; the scan gets the rest), and never through the
scan's cache; ``--no-determinism-check`` skips it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.again import moved_since_probe
from assay.core.asked_apart import ask_rounds
from assay.core.budget import BudgetedModel
from assay.core.display import count
from assay.core.model import Model
from assay.core.store import RunStore
from assay.core.unfinished import finished
from assay.errors import AssayError

__all__ = [
    "PROBE",
    "batch_warning",
    "check_line",
    "check_steadiness",
    "record_steadiness",
    "scan_budget",
    "steadiness",
]

PROBE = 8  # clean images asked twice
SHARE = 0.1  # of --max-queries at most
BATCH_TOLERANCE = 1e-4  # answers apart only in another batch: beyond float noise
ROUNDS = 3  # each image asked at most three times (``core.asked_apart``)


def probe_size(n_images: int, max_queries: int | None) -> int:
    """The images the check asks twice: ``PROBE`` (or as many clean images as there are),
    within a tenth of ``max_queries``."""
    n = min(PROBE, n_images)
    if max_queries is not None:
        # (two rounds within the tenth; the third, only when an answer changed, is taken
        # from the scan's budget: ``scan_budget``)
        n = min(n, int(SHARE * max_queries) // 2)
    return max(n, 0)


def check_steadiness(
    model: Model,
    images: np.ndarray,
    *,
    enabled: bool,
    max_queries: int | None,
    call_timeout: float | None,
    max_time: float | None,
) -> dict[str, Any]:
    """The run's check (``enabled``: not ``--no-determinism-check``), on the first of
    ``images`` that a tenth of ``max_queries`` allows; ``within_budget`` when there is one."""
    if not enabled:
        return {"off": "skipped (--no-determinism-check)"}
    n = probe_size(len(images), max_queries)
    if n <= 0:
        return {
            "off": f"the query budget ({count(max_queries or 0)}) is too small to keep "
            "queries for it"
        }
    check = steadiness(model, images[:n], call_timeout=call_timeout, max_time=max_time)
    check["within_budget"] = max_queries is not None
    return check


def scan_budget(max_queries: int | None, check: dict[str, Any] | None) -> int | None:
    """The scan's query budget: ``max_queries`` less what the check asked (None: none)."""
    if max_queries is None:
        return None
    return max(max_queries - int((check or {}).get("queries") or 0), 1)


def steadiness(
    model: Model,
    images: np.ndarray,
    *,
    call_timeout: float | None,
    max_time: float | None,
) -> dict[str, Any]:
    """Ask ``images`` twice (no cache), the second time in two other batches, and a third
    time as the first when answers changed (``core.asked_apart``): how many were answered
    otherwise in their own batch (``changed``) or only in another (``batch_changed``), and
    what it cost; a check that could not be made says why (``skipped``)."""
    if not len(images):
        return {"images": 0, "changed": 0, "queries": 0, "calls": 0}
    guarded = BudgetedModel(
        model,
        call_timeout=call_timeout,
        max_time=None if max_time is None else max(max_time, 0.5),
        max_queries=ROUNDS * len(images),
        cache_size=0,
    )
    guarded.answered = 1  # (asked before, loading: a late call ends the check, not the run)
    n = len(images)

    def changed(a: np.ndarray, b: np.ndarray, atol: float = 1e-9) -> np.ndarray:
        same = np.all(np.isclose(a.reshape(n, -1), b.reshape(n, -1), rtol=1e-6, atol=atol), axis=1)
        out: np.ndarray = ~same
        return out

    def moved(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return changed(a, b, BATCH_TOLERANCE)

    try:
        brightness = np.asarray(images, dtype=np.float64).reshape(n, -1).mean(axis=1)
        rounds = ask_rounds(guarded.predict, images, changed, moved, scores=brightness)
    except AssayError as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {"skipped": why[:300], "queries": guarded.queries, "calls": 0}
    finally:
        guarded.close()
    return {
        "images": n,
        "changed": int(rounds.random.sum()),
        "batch_changed": rounds.batch_bound,
        "queries": rounds.queries,
        "calls": rounds.calls,
    }


def spent(check: dict[str, Any]) -> str:
    """What a check that could not be made had asked (counted among the run's queries by
    phase): spent without a result, as a fairness run says of its cut checks
    (``fairness.unmeasured``); '' when it asked nothing."""
    asked = int(check.get("queries") or 0)
    if not asked:
        return ""
    return f"had asked {count(asked)} queries, spent without a result"


def record_steadiness(store: RunStore, run_id: str, check: dict[str, Any]) -> None:
    """Put the check (or why it was not made: ``check["off"]``) in the run's summary: its
    ``determinism`` (the probe's answer, as text runs keep theirs), a Determinism section
    and the queries it asked among the metrics."""
    summary = finished(store.get_run(run_id).summary or {}, "determinism")
    if not summary:
        return
    if check.get("off"):
        summary["determinism"] = {"off": check["off"], "queries": 0, "calls": 0}
        text = f"The determinism check was not made: {check['off']}."
    elif check.get("skipped"):
        summary["determinism"] = {"probe": dict(check), "queries": check.get("queries", 0)}
        text = f"The determinism check could not be made: {check['skipped']}."
        if said := spent(check):
            text += f" It {said}."
    else:
        summary["determinism"] = {
            "probe": dict(check),
            "queries": check["queries"],
            "calls": check["calls"],
            "within_budget": bool(check.get("within_budget")),
        }
        text = (
            f"{count(check['images'])} clean images were asked twice before the scan: "
            f"{count(check['changed'])} were answered otherwise"
            + (
                " (the model is not deterministic: the same seed may find other triggers)."
                if check["changed"]
                else "."
            )
            + f" It asked {count(check['queries'])} queries in {check['calls']} calls."
        )
        if check.get("batch_changed"):
            bound = batch_warning(check)
            text += f" {bound[0].upper()}{bound[1:]}."
            summary["warnings"] = [*(summary.get("warnings") or []), bound]
    moved = moved_since_probe(summary)
    if moved and not summary.get("untested_reason"):
        summary["untested_reason"] = moved
        summary.pop("incomplete_reason", None)
    metrics = dict(summary.get("metrics") or {})
    metrics["queries asked by the determinism check"] = int(check.get("queries") or 0)
    summary["metrics"] = metrics
    sections = [s for s in summary.get("sections") or [] if s.get("title") != "Determinism"]
    summary["sections"] = [*sections, {"title": "Determinism", "text": text}]
    store.checkpoint(run_id, summary=summary)


def batch_warning(check: dict[str, Any]) -> str:
    """The warning for a model that answered the check's images alike in their own batch
    and otherwise in other batches (``batch_changed``)."""
    return (
        f"the model's answer to an image depends on the batch it comes in: "
        f"{count(check['batch_changed'])} of {count(check['images'])} clean images were "
        f"answered otherwise when asked in two other batches, alike when their own batch was "
        f"asked again (statistics of the batch, answers read in another order); its answers "
        f"are not a function of the image, so the scan's findings may not reproduce and "
        f"finding no trigger does not show there is none (the exit code says only what this "
        f"run found)"
    )


def check_line(summary: dict[str, Any]) -> str | None:
    """The terminal's line on the check (None: no check kept)."""
    det = summary.get("determinism")
    if not isinstance(det, dict):
        return None
    if det.get("off"):
        return f"determinism check: not made, {det['off']}"
    probe = det.get("probe") or {}
    if probe.get("skipped"):
        said = spent(probe)
        return f"determinism check: could not be made: {probe['skipped']}" + (
            f"; it {said}" if said else ""
        )
    where = "within --max-queries" if det.get("within_budget") else "no query budget"
    return (
        f"determinism check: {count(probe.get('images', 0))} clean images asked twice, "
        f"{count(probe.get('changed', 0))} answered otherwise"
        + (
            f", {count(probe['batch_changed'])} only in other batches"
            if probe.get("batch_changed")
            else ""
        )
        + f" ({count(det.get('queries', 0))} queries in {det.get('calls', 0)} calls, {where})"
    )
