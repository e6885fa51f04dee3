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

Units are committed in unit order (a unit that finishes early waits for those before it),
so the stored findings are the same whatever order the units finish in.  Two units may
find the same bug (each keeps only its own record of what it evaluated): a finding whose
key (``technique.finding_keys``; by default its inputs) was committed before is dropped, and
counted in its unit's summary as ``duplicate_findings``, so the run's findings are unique.
The keys committed so far are part of the resume state, appended sorted at each commit, so
the store keeps the gaps between neighbours (``core.columnar``'s ``sorted`` columns: a few
bytes a key where keys are dense, e.g. fairness classes packed exactly, rather than 8).

A technique whose units differ by more than their seed and budget (the backdoor scan: each
unit scans its own chunk of the images) has a ``for_unit(unit)`` method returning the
technique that unit runs; without it every unit runs the technique itself.

A model that counts its requests (a served model: ``RequestCounter``) reports, for each
unit, the requests that unit made (``UnitResult.extra["requests"]``); an executor that runs
units elsewhere adds them to the client's model, whose counters go into the report.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.callbacks import callers_error
from assay.core.calls import StopRequest
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.hashset import KeyIndex
from assay.core.keys import row_keys
from assay.core.model import Model
from assay.core.rng import generator
from assay.core.run import RunInterrupted, RunOutcome, Technique, ended_outcome
from assay.core.stopping import asked_stop
from assay.core.store import RunStore
from assay.core.store_blobs import merge_alike
from assay.core.unfinished import marked
from assay.errors import (
    AssayError,
    BudgetExhausted,
    ModelError,
    ModelUnavailable,
    StoreError,
    UsageError,
)

__all__ = [
    "DEFAULT_DASK_UNITS",
    "UNIT_KEY",
    "InProcessUnits",
    "RequestCounter",
    "Unit",
    "UnitAbandoned",
    "UnitExecutor",
    "UnitResult",
    "check_units_budget",
    "execute_units",
    "finding_keys",
    "plan_units",
    "request_counter",
    "run_unit",
]

UNIT_KEY = 0x554E4954  # "UNIT": the spawn-key prefix of unit seeds
DEFAULT_DASK_UNITS = 8  # units of a run on Dask given none (``execution.campaign``)


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
    cpu_seconds: float = 0.0  # CPU time of the process that ran the unit, while it ran
    started: float = 0.0  # wall clock (``time.time()``) where the unit ran, as it began


@runtime_checkable
class RequestCounter(Protocol):
    """A model that counts its requests (``assay.models.http.HttpModel``)."""

    def counts_mark(self) -> Any:
        """The counters now, to measure a stretch of work from."""
        ...

    def counts_since(self, mark: Any) -> dict[str, Any]:
        """What was counted since ``mark`` (JSON data)."""
        ...

    def add_counts(self, counts: Mapping[str, Any]) -> None:
        """Add what ``counts_since`` gave elsewhere (another process) to these counters."""
        ...


class _SeveralCounters:
    """The counters of several models as one (a text panel's served classifiers): totals at
    the top, each model's own counts under ``per_model`` so that each gets its own back."""

    def __init__(self, counters: list[RequestCounter | None]) -> None:
        self.counters = counters

    def counts_mark(self) -> Any:
        return [c.counts_mark() if c is not None else None for c in self.counters]

    def counts_since(self, mark: Any) -> dict[str, Any]:
        per = [
            c.counts_since(m) if c is not None else None
            for c, m in zip(self.counters, mark, strict=True)
        ]
        out: dict[str, Any] = {
            k: sum(int((p or {}).get(k) or 0) for p in per)
            for k in ("requests", "retried", "failed")
        }
        out["per_model"] = per
        return out

    def add_counts(self, counts: Mapping[str, Any]) -> None:
        for c, p in zip(self.counters, counts.get("per_model") or [], strict=False):
            if c is not None and p:
                c.add_counts(p)
        if counts.get("lost_attempts"):  # (a unit lost with its worker: every model's)
            for c in self.counters:
                if c is not None:
                    c.add_counts({"lost_attempts": counts["lost_attempts"]})


def request_counter(model: Any) -> RequestCounter | None:
    """The ``RequestCounter`` inside a model's wrappers (``inner``/``model``), if any; for a
    model made of several (``models``: a text panel), their counters as one."""
    for _ in range(16):
        if model is None:
            return None
        if isinstance(model, RequestCounter):
            return model
        several = getattr(model, "models", None)
        if isinstance(several, list | tuple):
            counters = [request_counter(m) for m in several]
            if not any(c is not None for c in counters):
                return None
            return _SeveralCounters(counters)
        model = getattr(model, "inner", None) or getattr(model, "model", None)
    return None


def finding_keys(batch: FindingBatch) -> np.ndarray:
    """A uint64 key per finding, equal for findings with equal inputs (the default key)."""
    flat = batch.inputs.reshape(len(batch), -1) if len(batch) else batch.inputs
    try:
        return row_keys(flat)
    except TypeError:  # inputs that are not numbers (text): hash their bytes
        digests = [
            hashlib.blake2b(np.ascontiguousarray(row).tobytes(), digest_size=8).digest()
            for row in flat
        ]
        return np.frombuffer(b"".join(digests), dtype=np.uint64).copy()


def check_units_budget(n_units: int | None, max_queries: int | None) -> None:
    """A usage error (before a run exists) when a query budget cannot give every unit one
    query: the unit left with none failed the run later, blaming --max-queries."""
    if n_units and max_queries is not None and max_queries < n_units:
        raise UsageError(
            f"{n_units} units for a budget of {max_queries:,} queries: each unit needs at "
            "least one query; give fewer --units or more --max-queries",
            argument="--units",
        )


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


class UnitAbandoned(AssayError):
    """A unit stopped because nobody waits for its result any more (``run_unit``'s
    ``wanted``: the client that submitted it went away, or cancelled it)."""


WANTED_EVERY = 1.0  # seconds between looks at whether a unit's result is still wanted


def _watch_wanted(wanted: Callable[[], bool], stop: StopRequest, ended: threading.Event) -> None:
    """Set ``stop`` once ``wanted()`` says no (until ``ended``)."""
    while not ended.wait(WANTED_EVERY):
        try:
            still = wanted()
        except Exception:  # (a worker being torn down): not wanted
            still = False
        if not still:
            stop.set()
            return


def run_unit(
    technique: Technique,
    model: Model,
    unit: Unit,
    *,
    wanted: Callable[[], bool] | None = None,
) -> UnitResult:
    """Run one unit to its end (search done or its budget spent), wherever this is called.

    ``wanted``: asked every ``WANTED_EVERY`` seconds (on a thread of its own) whether the
    result is still waited for; when it says no (a cluster's client was killed, or cancelled
    the campaign) the unit stops at its next step, or ``STOP_GRACE`` into a call still out,
    with ``UnitAbandoned``, rather than asking the model for hours for nobody."""
    t0, cpu0, wall0 = time.monotonic(), time.process_time(), time.time()
    counter = request_counter(model)
    mark = counter.counts_mark() if counter is not None else None
    stop = StopRequest() if wanted is not None else None
    ended = threading.Event()
    if wanted is not None and stop is not None:
        threading.Thread(
            target=_watch_wanted, args=(wanted, stop, ended), name="assay-unit-wanted", daemon=True
        ).start()
    budgeted = BudgetedModel(
        model,
        max_queries=unit.max_queries,
        max_time=unit.max_time,
        call_timeout=unit.call_timeout,
        stop=stop,
    )
    try:
        result = _run_unit(technique, budgeted, unit, counter, mark, t0, cpu0, stop)
        result.started = wall0
        return result
    except KeyboardInterrupt:  # a call given up on by ``stop`` (never a Ctrl-C: not here)
        if stop is None or not stop.is_set():
            raise
        raise UnitAbandoned(f"unit {unit.index + 1}: its result is not wanted any more") from None
    finally:
        ended.set()
        budgeted.close()  # its thread that watches calls


def _run_unit(
    technique: Technique,
    budgeted: BudgetedModel,
    unit: Unit,
    counter: RequestCounter | None,
    mark: Any,
    t0: float,
    cpu0: float,
    stop: StopRequest | None,
) -> UnitResult:
    rng = generator(unit.seed, UNIT_KEY, unit.index)
    for_unit = getattr(technique, "for_unit", None)
    this: Technique = for_unit(unit) if callable(for_unit) else technique
    search = this.search(budgeted, rng)
    found: list[FindingBatch] = []
    stop_reason: str | None = None
    while not search.done:
        if stop is not None and stop.is_set():
            raise UnitAbandoned(f"unit {unit.index + 1}: its result is not wanted any more")
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
    found = merge_alike(found)  # a few large batches travel and commit faster than many
    summary = search.summary()
    summary["stop_reason"] = stop_reason
    extra: dict[str, Any] = {}
    if counter is not None:
        extra["requests"] = counter.counts_since(mark)
    return UnitResult(
        index=unit.index,
        findings=found,
        summary=summary,
        progress=dict(search.progress()),
        stop_reason=stop_reason,
        queries=budgeted.queries,
        seconds=time.monotonic() - t0,
        extra=extra,
        cpu_seconds=time.process_time() - cpu0,
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


class _Unique:
    """Drops findings whose key was committed before; the keys committed so far."""

    def __init__(self, technique: Technique, committed: np.ndarray | None) -> None:
        keys = getattr(technique, "finding_keys", None)
        self.keys_of: Callable[[FindingBatch], np.ndarray] = (
            keys if callable(keys) else finding_keys
        )
        self.seen = KeyIndex.from_keys(committed) if committed is not None else KeyIndex()

    def filter(self, batches: list[FindingBatch]) -> tuple[list[FindingBatch], int, np.ndarray]:
        """The findings not seen before, how many were dropped, and the new keys."""
        kept: list[FindingBatch] = []
        dropped = 0
        added: list[np.ndarray] = []
        for b in batches:
            keys = np.asarray(self.keys_of(b), dtype=np.uint64)
            new = self.seen.add(keys)
            dropped += int(len(b) - new.sum())
            added.append(keys[new])
            if new.all():
                kept.append(b)
            elif new.any():
                kept.append(b.select(new))
        fresh = np.concatenate(added) if added else np.zeros(0, dtype=np.uint64)
        return kept, dropped, fresh


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
    """Run a campaign as ``n_units`` units on ``executor``, committing each unit (in unit
    order, its findings made unique) as soon as it and the units before it have ended.

    ``merge`` turns the units' summaries (in unit order) and all findings into the run's
    summary (a technique's ``merge_summaries``).  A ``ModelError`` stops the run with what
    the finished units found (status ``model_unavailable`` or ``failed``); resuming re-runs
    only the units that had not been committed.
    """
    t0 = time.monotonic()
    unit_time = None
    if max_time is not None:  # the units share the wall time, as many at once as run together
        unit_time = max_time * min(executor.parallelism, n_units) / n_units
    units = plan_units(
        seed, n_units, max_queries=max_queries, max_time=unit_time, call_timeout=call_timeout
    )
    done: dict[str, dict[str, Any]] = {}
    committed_keys = None
    before = 0.0  # seconds of the run's earlier sessions, up to their last commit
    stored_span = None  # (their searching's, ``_SearchSpan``)
    if resume:
        snap = store.load_snapshot(run_id)
        if snap is not None:
            done = dict(snap.values.get("units_done", {}))
            committed_keys = snap.appends.get(_KEYS)
            before = float(snap.values.get("elapsed") or 0.0)
            stored_span = snap.values.get("search_seconds")
    span = _SearchSpan(done, stored_span)
    todo = [u for u in units if str(u.index) not in done]
    unique = _Unique(technique, committed_keys)
    queries = sum(int(d.get("queries", 0)) for d in done.values())
    waiting: dict[int, UnitResult] = {}  # finished, waiting for the units before them

    def progress() -> dict[str, Any]:
        return {
            "units": n_units,
            "units_done": len(done),
            "queries": queries,
            # every session's (a resumed campaign's rates are per second of the whole run)
            "elapsed": round(before + time.monotonic() - t0, 3),
            "findings": store.count_findings(run_id),
            "max_queries": max_queries,
            "max_time": max_time,
        }

    def commit(result: UnitResult) -> None:
        nonlocal queries
        kept, dropped, fresh = unique.filter(result.findings)
        queries += result.queries
        summary = dict(result.summary)
        summary["duplicate_findings"] = dropped
        # (when it began, on its worker's wall clock: a campaign's "first" figures are
        # then counted from the campaign's first start, not each unit's own: 0 unknown)
        summary["unit_started"] = result.started
        span.add(result)
        done[str(result.index)] = {
            "summary": summary,
            "queries": result.queries,
            "stop_reason": result.stop_reason,
            "seconds": round(result.seconds, 3),
            "cpu_seconds": round(result.cpu_seconds, 3),
            "worker": result.worker,
            "duplicates": dropped,
            "requests": _request_totals(result.extra.get("requests")),
        }
        now = progress()
        try:
            store.checkpoint(
                run_id,
                findings=kept,
                snapshot=Snapshot(
                    values={
                        "units_done": done,
                        "n_units": n_units,
                        "elapsed": now["elapsed"],
                        "search_seconds": span.seconds(),
                    },
                    appends={_KEYS: np.sort(fresh)},  # sorted: stored as gaps (core.columnar)
                ),
                progress=now,
            )
        except BaseException:  # not stored: not done (a later unit's commit, units that
            # ended out of order kept once the store takes writes again, would else mark it
            # done, and a resume skipped it: its findings lost)
            del done[str(result.index)]
            queries -= result.queries
            raise
        if on_progress is not None:
            on_progress(progress())

    order = [u.index for u in todo]
    nxt = 0
    asked = asked_stop()  # the caller's stop= (core.stopping): read between units
    stopped = asked is not None and asked.is_set()
    span.begin()
    results = executor.run(technique, model, todo)
    try:
        for result in [] if stopped else results:
            waiting[result.index] = result
            while nxt < len(order) and order[nxt] in waiting:
                commit(waiting.pop(order[nxt]))
                nxt += 1
            if asked is not None and asked.is_set():
                stopped = True
                _commit_waiting(waiting, commit)  # (units ended out of order: kept)
                break
    except ModelError as exc:
        status = "model_unavailable" if isinstance(exc, ModelUnavailable) else "failed"
        try:
            _commit_waiting(waiting, commit)
            store.checkpoint(run_id, progress=progress(), status=status, error=str(exc))
        except StoreError:  # the store failed too (a full disk): at its last commit, stalled
            store.give_up(run_id)
            raise
        raise
    except StoreError:
        # the store failed (a full disk, ``ulimit -f``, its file replaced): the run stays at
        # its last commit, marked running and shown stalled at once, as ``core.run`` leaves
        # a fairness run: one rule for every technique, whether or not a write of its status
        # would still fit (ops47b; the command's own reports say the store failed)
        with suppress(AssayError):  # (units that ended: kept where the store takes them)
            _commit_waiting(waiting, commit)
        store.give_up(run_id)
        raise
    except AssayError as exc:
        with suppress(AssayError):  # a store that failed may fail again: keep the first error
            _commit_waiting(waiting, commit)
        try:
            store.checkpoint(run_id, progress=progress(), status="failed", error=str(exc))
        except AssayError:  # the store failed (a full disk): shown stalled at once
            store.give_up(run_id)
            raise exc from None
        raise
    except KeyboardInterrupt:
        # (Ctrl-C, SIGTERM): the units committed stay; a resume runs the others
        with suppress(AssayError):
            store.checkpoint(run_id, status="interrupted")
        raise RunInterrupted(run_id) from None
    except Exception as exc:  # a bug: never a run left 'running' by a process that ended
        with suppress(AssayError):
            store.checkpoint(
                run_id,
                status="failed",
                error=callers_error(exc) or f"internal error: {type(exc).__name__}: {exc}",
            )
        raise
    finally:
        close = getattr(results, "close", None)
        if stopped and callable(close):  # (the units still out are not waited for)
            close()
    # every unit, or (stopped) those that ended: the summary of what was searched
    ordered = [done[str(i)] for i in range(n_units) if str(i) in done]
    reasons = [d["stop_reason"] for d in ordered if d.get("stop_reason")]
    status = "budget_exhausted" if reasons else "completed"
    if stopped:
        status, reasons = "interrupted", ["interrupt"]
    batches = list(store.iter_batches(run_id))
    summary = (merge or _default_merge)([d["summary"] for d in ordered], batches)
    summary["stop_reason"] = reasons[0] if reasons else None
    summary["units"] = {
        "count": n_units,
        "queries": [d["queries"] for d in ordered],
        "seconds": [d["seconds"] for d in ordered],
        "cpu_seconds": [d.get("cpu_seconds") for d in ordered],
        "duplicate_findings": sum(int(d.get("duplicates") or 0) for d in ordered),
        "workers": sorted({d["worker"] for d in ordered if d.get("worker")}),
        # the wall clock of the units' searching, first start to last end (per session)
        "search_wall_seconds": round(span.seconds(), 6),
        "ran_on": [d.get("worker") or "" for d in ordered],
    }
    if any(d.get("requests") for d in ordered):
        summary["units"]["requests"] = [d.get("requests") for d in ordered]
    refused = getattr(executor, "refused", None)  # (workers given no unit: ``execution.dask``)
    if refused:
        summary["units"]["refused_workers"] = list(refused)
    if status != "interrupted":  # what follows the search is missing until it is added
        summary = marked(summary, getattr(technique, "after_search", ()))
    final = progress()
    store.checkpoint(run_id, progress=final, status=status, summary=summary)
    stop_reason = summary["stop_reason"]
    return ended_outcome(store, run_id, status, summary, final, stop_reason, on_progress)


_KEYS = "unit_finding_keys"  # resume state: the keys of every finding committed


class _SearchSpan:
    """The wall-clock seconds of a campaign's searching: in each session, from its first
    unit's start to its last unit's end (units running side by side count their seconds
    once), added over sessions.  Each unit's start is read on its worker's clock: a span
    longer than the session itself (clocks apart) is cut to the session's, and one shorter
    than the longest unit is that unit's.  A unit that does not say when it started (0)
    makes the session's span the sum of its units' seconds, as one after the other."""

    def __init__(self, done: Mapping[str, Mapping[str, Any]], stored: Any) -> None:
        # (a run stored before the span was kept: its units' seconds, summed)
        self.before = (
            float(stored)
            if isinstance(stored, int | float)
            else sum(float(d.get("seconds") or 0.0) for d in done.values())
        )
        self.first = float("inf")
        self.last = float("-inf")
        self.longest = self.summed = 0.0
        self.unknown = False
        self.t0 = time.monotonic()

    def begin(self) -> None:
        self.t0 = time.monotonic()

    def add(self, result: UnitResult) -> None:
        self.longest = max(self.longest, result.seconds)
        self.summed += result.seconds
        self.unknown = self.unknown or result.started <= 0
        self.first = min(self.first, result.started)
        self.last = max(self.last, result.started + result.seconds)

    def seconds(self) -> float:
        if not self.summed and self.first > self.last:  # nothing ended in this session
            return self.before
        if self.unknown:
            return self.before + self.summed
        session = min(self.last - self.first, time.monotonic() - self.t0)
        return self.before + max(session, self.longest)


def _commit_waiting(waiting: dict[int, UnitResult], commit: Callable[[UnitResult], None]) -> None:
    """The run stops: units that ended keep their findings even out of order (a resumed run
    is then unique as ever, but which of two equal findings is kept may differ)."""
    for index in sorted(waiting):
        commit(waiting.pop(index))


def _request_totals(counts: Mapping[str, Any] | None) -> dict[str, int] | None:
    if not counts:
        return None
    return {k: int(counts.get(k) or 0) for k in ("requests", "retried", "failed")}
