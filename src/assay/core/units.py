"""A campaign split into independent units, so that it can run anywhere.

A unit is one search of the technique with its own seed (``generator(seed, UNIT_KEY, i)``)
and its own share of the query budget.  Units share nothing, so the findings of a seeded
run depend on the seed and the number of units only: never on the executor, the number of
workers, or the order in which units finish.  An executor (``UnitExecutor``) runs units and
yields their results as they finish; ``execute_units`` commits each unit's findings to the
store at once, together with the list of units done, so a resumed run re-runs only the units
that had not finished.

The in-process executor (``InProcessUnits``) runs the units one after the other; the Dask
executor (``assay.execution.dask``) spreads them over a cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.model import Model
from assay.core.rng import generator
from assay.core.run import RunOutcome, Technique
from assay.core.store import RunStore
from assay.errors import AssayError, BudgetExhausted, ModelError, ModelUnavailable

__all__ = [
    "UNIT_KEY",
    "InProcessUnits",
    "Unit",
    "UnitExecutor",
    "UnitResult",
    "execute_units",
    "plan_units",
    "run_unit",
]

UNIT_KEY = 0x554E4954  # "UNIT": the spawn-key prefix of unit seeds


@dataclass(frozen=True)
class Unit:
    index: int
    n_units: int
    seed: int
    max_queries: int | None
    max_time: float | None
    call_timeout: float | None = None


@dataclass
class UnitResult:
    index: int
    findings: list[FindingBatch]
    summary: dict[str, Any]
    progress: dict[str, Any]
    stop_reason: str | None
    queries: int
    seconds: float
    worker: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def plan_units(
    seed: int,
    n_units: int,
    *,
    max_queries: int | None,
    max_time: float | None,
    call_timeout: float | None = None,
) -> list[Unit]:
    """``n_units`` units; the query budget is shared out exactly (the first get the rest)."""
    if n_units < 1:
        raise ValueError("a campaign has at least one unit")
    units = []
    for i in range(n_units):
        q = None
        if max_queries is not None:
            q = max_queries // n_units + (1 if i < max_queries % n_units else 0)
        units.append(Unit(i, n_units, seed, q, max_time, call_timeout))
    return units


def run_unit(technique: Technique, model: Model, unit: Unit) -> UnitResult:
    """Run one unit to its end (search done or its budget spent), wherever this is called."""
    t0 = time.monotonic()
    budgeted = BudgetedModel(
        model,
        max_queries=unit.max_queries,
        max_time=unit.max_time,
        call_timeout=unit.call_timeout,
    )
    rng = generator(unit.seed, UNIT_KEY, unit.index)
    search = technique.search(budgeted, rng)
    found: list[FindingBatch] = []
    stop_reason: str | None = None
    while not search.done:
        reason = budgeted.exhausted()
        if reason:
            stop_reason = reason
            break
        try:
            found.extend(b for b in search.step() if len(b))
        except BudgetExhausted as exc:
            stop_reason = exc.reason
            break
    found.extend(b for b in search.flush() if len(b))
    summary = search.summary()
    summary["stop_reason"] = stop_reason
    return UnitResult(
        index=unit.index,
        findings=found,
        summary=summary,
        progress=dict(search.progress()),
        stop_reason=stop_reason,
        queries=budgeted.queries,
        seconds=time.monotonic() - t0,
    )


class UnitExecutor(Protocol):
    """Runs units; yields each result as its unit finishes (in any order)."""

    @property
    def parallelism(self) -> int: ...

    def run(
        self, technique: Technique, model: Model, units: Sequence[Unit]
    ) -> Iterator[UnitResult]: ...

    def close(self) -> None: ...


class InProcessUnits:
    """Runs the units one after the other, here."""

    parallelism = 1

    def run(
        self, technique: Technique, model: Model, units: Sequence[Unit]
    ) -> Iterator[UnitResult]:
        for unit in units:
            yield run_unit(technique, model, unit)

    def close(self) -> None:
        return None


MergeSummaries = Callable[[list[dict[str, Any]], list[FindingBatch]], dict[str, Any]]


def _default_merge(summaries: list[dict[str, Any]], batches: list[FindingBatch]) -> dict[str, Any]:
    return {"units": summaries}


def execute_units(
    technique: Technique,
    model: Model,
    *,
    store: RunStore,
    run_id: str,
    seed: int,
    n_units: int,
    executor: UnitExecutor,
    max_queries: int | None = None,
    max_time: float | None = None,
    resume: bool = False,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    merge: MergeSummaries | None = None,
    call_timeout: float | None = None,
) -> RunOutcome:
    """Run a campaign as ``n_units`` units on ``executor``, committing each unit as it ends.

    ``merge`` turns the units' summaries (in unit order) and all findings into the run's
    summary (a technique's ``merge_summaries``).  A ``ModelError`` stops the run with what
    the finished units found (status ``model_unavailable`` or ``failed``); resuming re-runs
    only the units that had not finished.
    """
    t0 = time.monotonic()
    unit_time = None
    if max_time is not None:  # the units share the wall time, as many at once as run together
        unit_time = max_time * min(executor.parallelism, n_units) / n_units
    units = plan_units(
        seed, n_units, max_queries=max_queries, max_time=unit_time, call_timeout=call_timeout
    )
    done: dict[str, dict[str, Any]] = {}
    if resume:
        snap = store.load_snapshot(run_id)
        if snap is not None:
            done = dict(snap.values.get("units_done", {}))
    todo = [u for u in units if str(u.index) not in done]
    queries = sum(int(d.get("queries", 0)) for d in done.values())

    def progress() -> dict[str, Any]:
        return {
            "units": n_units,
            "units_done": len(done),
            "queries": queries,
            "elapsed": round(time.monotonic() - t0, 3),
            "findings": store.count_findings(run_id),
            "max_queries": max_queries,
            "max_time": max_time,
        }

    try:
        for result in executor.run(technique, model, todo):
            queries += result.queries
            done[str(result.index)] = {
                "summary": result.summary,
                "queries": result.queries,
                "stop_reason": result.stop_reason,
                "seconds": round(result.seconds, 3),
                "worker": result.worker,
            }
            store.checkpoint(
                run_id,
                findings=result.findings,
                snapshot=Snapshot(values={"units_done": done, "n_units": n_units}),
                progress=progress(),
            )
            if on_progress is not None:
                on_progress(progress())
    except ModelError as exc:
        status = "model_unavailable" if isinstance(exc, ModelUnavailable) else "failed"
        store.checkpoint(run_id, progress=progress(), status=status, error=str(exc))
        raise
    except AssayError as exc:
        store.checkpoint(run_id, progress=progress(), status="failed", error=str(exc))
        raise
    ordered = [done[str(i)] for i in range(n_units)]
    reasons = [d["stop_reason"] for d in ordered if d.get("stop_reason")]
    status = "budget_exhausted" if reasons else "completed"
    batches = list(store.iter_batches(run_id))
    summary = (merge or _default_merge)([d["summary"] for d in ordered], batches)
    summary["stop_reason"] = reasons[0] if reasons else None
    summary["units"] = {
        "count": n_units,
        "queries": [d["queries"] for d in ordered],
        "seconds": [d["seconds"] for d in ordered],
        "workers": sorted({d["worker"] for d in ordered if d.get("worker")}),
    }
    final = progress()
    store.checkpoint(run_id, progress=final, status=status, summary=summary)
    record = store.get_run(run_id)
    return RunOutcome(
        run_id=run_id,
        status=status,
        n_findings=record.n_findings,
        max_severity=record.max_severity,
        summary=summary,
        progress=final,
        stop_reason=summary["stop_reason"],
    )
