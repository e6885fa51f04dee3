"""The driver: run a technique's search against a budgeted model, committing as it goes."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.calls import Caller
from assay.core.checkpoint import Snapshot, merge
from assay.core.findings import FindingBatch
from assay.core.model import Model
from assay.core.rng import generator, generator_state, set_generator_state
from assay.core.store import RunStore
from assay.errors import AssayError, BudgetExhausted, ModelError

__all__ = ["RunOutcome", "Search", "Technique", "execute"]


class Search(Protocol):
    """One search in progress: a state machine that does one batched round per ``step``."""

    @property
    def done(self) -> bool: ...

    def step(self) -> Sequence[FindingBatch]:
        """Do one round of work (a few milliseconds to a second); return what it found."""
        ...

    def flush(self) -> Sequence[FindingBatch]:
        """Finish any work still in flight (a model call submitted by ``step`` whose answer
        was not read yet) and return its findings.  Called before every snapshot."""
        ...

    def progress(self) -> dict[str, Any]:
        """Counters for progress bars (JSON data)."""
        ...

    def summary(self) -> dict[str, Any]:
        """The search's results beyond findings (metrics, estimates; JSON data)."""
        ...

    def snapshot(self) -> Snapshot: ...

    def restore(self, snapshot: Snapshot) -> None: ...


class Technique(Protocol):
    """A plain object holding configuration; ``search`` starts a search over a model."""

    name: str

    def config(self) -> dict[str, Any]:
        """The configuration as JSON data (stored with the run)."""
        ...

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> Search: ...


@dataclass
class RunOutcome:
    run_id: str
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any] = field(default_factory=dict)
    progress: dict[str, Any] = field(default_factory=dict)
    stop_reason: str | None = None


ProgressCallback = Callable[[dict[str, Any]], None]


def execute(
    technique: Technique,
    model: Model,
    *,
    store: RunStore,
    run_id: str,
    seed: int,
    max_queries: int | None = None,
    max_time: float | None = None,
    resume: bool = False,
    caller: Caller | None = None,
    commit_interval: float = 0.5,
    on_progress: ProgressCallback | None = None,
    stop_after_checkpoints: int | None = None,
) -> RunOutcome:
    """Run ``technique`` on ``model`` to completion or budget, committing every ``commit_interval``.

    The run must already exist in ``store``.  With ``resume``, the search continues from the
    run's last committed state.  A ``ModelError`` is recorded (status ``failed``) after the
    findings found before it are committed, then raised again.  ``caller`` runs the model
    calls (default: inline); the run's results do not depend on it.
    """
    budgeted = BudgetedModel(model, max_queries=max_queries, max_time=max_time, caller=caller)
    rng = generator(seed)
    try:
        search = technique.search(budgeted, rng)
        if resume:
            snap = store.load_snapshot(run_id)
            if snap is not None:
                budgeted.restore(snap.unprefixed("budget."))
                search.restore(snap.unprefixed("search."))
                rng_state = snap.values.get("rng")
                if rng_state is not None:
                    set_generator_state(rng, rng_state)
    except AssayError as exc:
        # a run that cannot start is recorded as failed, not left 'running' forever
        store.checkpoint(run_id, status="failed", error=str(exc))
        raise
    n_found = store.count_findings(run_id) if resume else 0

    def snapshot() -> Snapshot:
        return merge(
            budgeted.snapshot().prefixed("budget."),
            search.snapshot().prefixed("search."),
            Snapshot(values={"rng": generator_state(rng)}),
        )

    def progress() -> dict[str, Any]:
        p = dict(search.progress())
        p.update(
            queries=budgeted.queries,
            requests=budgeted.requests,
            elapsed=round(budgeted.elapsed, 3),
            model_seconds=round(budgeted.model_seconds, 3),
            findings=n_found + sum(len(b) for b in pending),
            max_queries=max_queries,
            max_time=max_time,
        )
        return p

    pending: list[FindingBatch] = []
    stop_flag = _StopFlag()
    last = time.monotonic()
    checkpoints = 0
    status = "completed"
    stop_reason: str | None = None
    try:
        with stop_flag:
            while not search.done:
                if stop_flag.raised:
                    status, stop_reason = "interrupted", "interrupt"
                    break
                reason = budgeted.exhausted()
                if reason:
                    status, stop_reason = "budget_exhausted", reason
                    break
                try:
                    found = search.step()
                except BudgetExhausted as exc:
                    status, stop_reason = "budget_exhausted", exc.reason
                    break
                pending.extend(b for b in found if len(b))
                now = time.monotonic()
                if on_progress is not None:
                    on_progress(progress())
                if now - last >= commit_interval:
                    pending.extend(b for b in search.flush() if len(b))
                    store.checkpoint(
                        run_id,
                        findings=pending,
                        snapshot=snapshot(),
                        progress=progress(),
                    )
                    n_found += sum(len(b) for b in pending)
                    pending = []
                    last = now
                    checkpoints += 1
                    if stop_after_checkpoints is not None and checkpoints >= stop_after_checkpoints:
                        status, stop_reason = "interrupted", "requested"
                        break
        pending.extend(b for b in search.flush() if len(b))
    except ModelError as exc:
        store.checkpoint(
            run_id,
            findings=pending,
            progress=progress(),
            status="failed",
            summary=search.summary(),
            error=str(exc),
        )
        raise
    if status == "completed" and stop_reason is None:  # ended before its budget: why
        stop_reason = getattr(search, "stop_reason", None)
    summary = search.summary()
    summary["stop_reason"] = stop_reason
    final_progress = progress()
    store.checkpoint(
        run_id,
        findings=pending,
        snapshot=snapshot(),
        progress=final_progress,
        status=status,
        summary=summary,
    )
    record = store.get_run(run_id)
    return RunOutcome(
        run_id=run_id,
        status=status,
        n_findings=record.n_findings,
        max_severity=record.max_severity,
        summary=summary,
        progress=final_progress,
        stop_reason=stop_reason,
    )


class _StopFlag:
    """Turns the first Ctrl-C into a request to stop at the next safe point (a second one
    interrupts at once).  Only active in the main thread."""

    def __init__(self) -> None:
        self.raised = False
        self._previous: Any = None

    def _handle(self, signum: int, frame: object) -> None:
        if self.raised:
            raise KeyboardInterrupt
        self.raised = True

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
