"""The driver: run a technique's search against a budgeted model, committing as it goes."""

from __future__ import annotations

import contextlib
import copy
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.callbacks import callers_error
from assay.core.calls import DEFAULT_CALL_TIMEOUT, Caller, StopRequest
from assay.core.checkpoint import Snapshot, merge
from assay.core.checkpoint_env import checkpoint_seconds as _checkpoint_seconds
from assay.core.findings import FindingBatch
from assay.core.handlers import is_own
from assay.core.model import Model
from assay.core.rng import generator, generator_state, set_generator_state
from assay.core.stopping import StopEvent, asked_stop
from assay.core.store import ENDED, RunStore
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
    "MAX_PENDING",
    "RunInterrupted",
    "RunOutcome",
    "Search",
    "Technique",
    "check_run_environment",
    "ended_outcome",
    "execute",
]

FIRST_COMMIT = 0.5  # seconds before the first checkpoint
MAX_PENDING = 250_000  # findings held between checkpoints at most (memory), besides the time


_PENDING = threading.local()


def pending_interrupt() -> RunInterrupted | None:
    """The Ctrl-C a run of this thread took from Python's own handler and stopped at its
    checkpoint for, owed to the API's caller (taken: asked again, None)."""
    owed: RunInterrupted | None = getattr(_PENDING, "interrupt", None)
    _PENDING.interrupt = None
    return owed


class RunInterrupted(KeyboardInterrupt):
    """A run stopped while its model was still answering (a Ctrl-C or SIGTERM whose grace
    ran out): left at its last checkpoint, status ``interrupted``; names the run so that the
    command line can finish it as a stopped run (its reports, its resume line)."""

    def __init__(
        self, run_id: str, store: str | None = None, *, ended: str | None = None, why: str = ""
    ) -> None:
        # what a notebook shows under the traceback: the run, that nothing found is lost,
        # and how to go on.  ``ended``: the status of a run interrupted after its search had
        # ended (nothing to resume: it keeps that status); ``why``: what it then lacks
        where = f", store={store!r}" if store else ""
        if ended is None:
            said = (
                f"run {run_id} was interrupted; its findings so far are stored; continue it "
                f"with assay.resume_run({run_id!r}{where})"
            )
        else:
            said = f"run {run_id} was interrupted after it had ended ({ended}); " + (
                why or "its findings and verdict are stored"
            )
        super().__init__(said)
        self.run_id = run_id
        self.ended = ended
        self.why = why


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


class _Committer:
    """Writes a run's periodic checkpoints on a background thread, one at a time and in
    order, while the search goes on (encoding and writing a checkpoint takes a fair share of
    a run's time).  The next checkpoint, the run's end or a failure waits for the one being
    written; an error writing it is raised there."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0  # how long the last checkpoint took to write
        self.state_bytes = 0  # the run's resume state after it

    def finish_seconds(self) -> float:
        """What ending the run is expected to take: the checkpoint being written, if any, and
        a last one, each like the previous one, then deleting the resume state
        (``DROP_RATE``)."""
        busy = self._thread is not None and self._thread.is_alive()
        return self.seconds * (2 if busy else 1) + self.state_bytes / DROP_RATE

    def submit(self, run_id: str, **kwargs: Any) -> None:
        self.wait()
        self._thread = threading.Thread(
            target=self._write, args=(run_id, kwargs), name="assay-checkpoint", daemon=True
        )
        self._thread.start()

    def _write(self, run_id: str, kwargs: dict[str, Any]) -> None:
        try:
            began = time.monotonic()
            with self.store.lend():  # (the run's thread waits for it before it writes)
                self.store.checkpoint(run_id, **kwargs)
                self.state_bytes = self.store.state_bytes(run_id)
            self.seconds = time.monotonic() - began
        except BaseException as exc:  # raised again in the run's thread
            self._error = exc

    def wait(self) -> None:
        """Wait for the checkpoint being written; raise its error, if any."""
        self.settle()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def settle(self) -> None:
        """Wait for the checkpoint being written (its error stays for ``wait``)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _detached(snap: Snapshot) -> Snapshot:
    """The snapshot with its own copy of every value and array: the search goes on changing
    its state while the snapshot is written."""
    return Snapshot(
        values=copy.deepcopy(snap.values),
        arrays={k: np.array(v, copy=True) for k, v in snap.arrays.items()},
        appends={k: np.array(v, copy=True) for k, v in snap.appends.items()},
        sets={k: np.array(v, copy=True) for k, v in snap.sets.items()},
    )


DROP_RATE = 40e6
"""Bytes of resume state deleted per second when a run ends (a cautious figure: about 60 MB/s
measured on a loaded 2-core machine): a run bounded by time stops early enough for its last
checkpoint and the deletion to end within its budget."""

MAX_STATE_BYTES = 240 * 1024 * 1024
"""The largest resume state a run keeps in the store (``ASSAY_MAX_STATE_MB`` overrides it; 0:
no cap).  A long run's state is every class it evaluated (about 2 bytes each: 620 MB after ten
minutes of the fastest search); once the state reaches this size the run stops adding to it
and its later checkpoints commit findings and progress only, so that a resumed run goes back
to the last checkpoint with state (and finds again what it found since, exactly as after a
kill between two checkpoints).  The store then stays under about this size plus the kept
witnesses while the run goes on, and the state is deleted when the run ends."""

FINISH_CAP = 0.1
"""The largest share of a run's time budget kept for ending it."""

MAX_IDLE_STEPS = 5_000
"""Consecutive steps in which a search asks the model nothing and finds nothing, after which
the run ends (stop reason ``stalled``): a search that can propose nothing new never hangs."""


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
    commit_interval: float | None = None,
    on_progress: ProgressCallback | None = None,
    stop_after_checkpoints: int | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
) -> RunOutcome:
    """Run ``technique`` on ``model`` to completion or budget, committing every ``commit_interval``.

    The run must already exist in ``store``.  With ``resume``, the search continues from the
    run's last committed state.  A ``ModelError`` is recorded (status ``failed``) after the
    findings found before it are committed, then raised again.  ``caller`` runs the model
    calls (default: inline); the run's results do not depend on it.

    Every model call has a deadline: ``call_timeout`` seconds (a ``ModelError``, the run is
    recorded as failed) and the run's time left (the run ends, stop reason ``time``).  The
    first Ctrl-C stops the run at the next safe point, or within ``STOP_GRACE`` seconds when
    the model is still answering (then ``KeyboardInterrupt`` propagates and the run stays
    resumable from its last checkpoint, status ``interrupted``).  The caller's ``stop=``
    event (``core.stopping``, from another thread) stops it at the next safe point as the
    first Ctrl-C does, and the outcome is returned.  A ``StoreError`` (disk
    full) leaves the run at its last checkpoint (resumable); any other unexpected exception
    marks the run failed and propagates.
    """
    stop = StopRequest()
    budgeted = BudgetedModel(
        model,
        max_queries=max_queries,
        max_time=max_time,
        caller=caller,
        call_timeout=call_timeout,
        stop=stop,
    )
    try:
        rng = generator(seed)
        try:
            state_cap = _state_cap()
            search = technique.search(budgeted, rng)
            replay = _Replay(0)
            if resume:
                snap = store.load_snapshot(run_id)
                # findings committed after the last snapshot (by a failure) are found again by
                # the search restored from it: kept in the store, not stored twice (deleting
                # them first lost them when the resumed session failed sooner, left50b)
                committed = 0 if snap is None else snap.values.get("findings")
                if isinstance(committed, int):
                    replay = _Replay(store.count_findings(run_id) - committed)
                if snap is not None:
                    budgeted.restore(snap.unprefixed("budget."))
                    search.restore(snap.unprefixed("search."))
                    rng_state = snap.values.get("rng")
                    if rng_state is not None:
                        set_generator_state(rng, rng_state)
        except (AssayError, KeyError, IndexError, ValueError, TypeError) as exc:
            # a run that cannot start is recorded as failed, not left 'running' forever
            if isinstance(exc, StoreError):
                raise
            store.checkpoint(run_id, status="failed", error=str(exc))
            if isinstance(exc, AssayError):
                raise
            raise StoreError(
                f"run {run_id}: its stored state does not fit this run "
                f"({type(exc).__name__}: {exc}); was it made by another version of assay?"
            ) from exc
        n_found = store.count_findings(run_id) if resume else 0

        def snapshot(committed: int) -> Snapshot:
            return merge(
                budgeted.snapshot().prefixed("budget."),
                search.snapshot().prefixed("search."),
                Snapshot(values={"rng": generator_state(rng), "findings": committed}),
            )

        def progress() -> dict[str, Any]:
            p = dict(search.progress())
            p.update(
                queries=budgeted.queries,
                requests=budgeted.requests,
                elapsed=round(budgeted.elapsed, 3),
                model_seconds=round(budgeted.model_seconds, 3),
                findings=n_found + _rows(pending),
                max_queries=max_queries,
                max_time=max_time,
            )
            return p

        pending: list[FindingBatch] = []
        committer = _Committer(store)
        resumable_at: dict[str, Any] | None = None  # where a resumed run goes back to, once capped
        with_state: dict[str, Any] = {}  # the progress committed with the last state
        idle_steps = 0  # consecutive steps that asked the model nothing and found nothing
        step_seconds = 0.0  # how long the last step took
        stop_flag = _StopFlag(stop, asked_stop())  # (the caller's ``stop=``: core.stopping)
        last = time.monotonic()
        checkpoints = 0
        # seconds between checkpoints: the argument, else ASSAY_CHECKPOINT_SECONDS (for tests that
        # kill runs at checkpoints, and for slow disks), else 2 s
        every = _checkpoint_seconds() if commit_interval is None else commit_interval
        status = "completed"
        stop_reason: str | None = None
        try:
            with stop_flag:
                while not search.done:
                    if stop_flag.stopping():
                        status, stop_reason = "interrupted", "interrupt"
                        break
                    reason = budgeted.exhausted()
                    left = budgeted.time_left()
                    if not reason and left is not None and budgeted.max_time is not None:
                        # what is left goes to ending the run (its last checkpoint)
                        ending = step_seconds + committer.finish_seconds()
                        if left <= min(ending, FINISH_CAP * budgeted.max_time):
                            reason = "time"
                    if reason:
                        status, stop_reason = "budget_exhausted", reason
                        break
                    requests_before = budgeted.requests
                    step_began = time.monotonic()
                    try:
                        found = search.step()
                    except BudgetExhausted as exc:
                        status, stop_reason = "budget_exhausted", exc.reason
                        break
                    step_seconds = time.monotonic() - step_began
                    pending.extend(replay.past(found))
                    if budgeted.requests == requests_before and not any(len(b) for b in found):
                        idle_steps += 1
                        if idle_steps >= MAX_IDLE_STEPS:  # a search that can find nothing new
                            status, stop_reason = "completed", "stalled"
                            break
                    else:
                        idle_steps = 0
                    now = time.monotonic()
                    if on_progress is not None:
                        on_progress(progress())
                    # the first checkpoint comes early (the first findings are durable within half
                    # a second), then every commit_interval (few, large writes)
                    interval = every if checkpoints else min(FIRST_COMMIT, every)
                    if now - last >= interval or _rows(pending) >= MAX_PENDING:
                        try:
                            pending.extend(replay.past(search.flush()))
                        except BudgetExhausted as exc:  # the time ran out with a round still out
                            status, stop_reason = "budget_exhausted", exc.reason
                            break
                        stored = n_found + _rows(pending)
                        committer.wait()  # (submit waits for it too): its state's size is known
                        if resumable_at is None and 0 < state_cap <= committer.state_bytes:
                            resumable_at = {
                                "queries": with_state.get("queries", 0),
                                "elapsed": with_state.get("elapsed", 0.0),
                                "state_bytes": committer.state_bytes,
                            }
                        now_progress = _with(progress(), resumable_at)
                        # (taken when capped too: a search's snapshot hands over what it logged
                        # since the last one, which would otherwise pile up in memory)
                        taken = snapshot(stored - replay.left)
                        kept = None if resumable_at else _detached(taken)
                        if kept is not None:
                            with_state = now_progress
                        committer.submit(
                            run_id, findings=pending, snapshot=kept, progress=now_progress
                        )
                        n_found = stored
                        pending = []
                        last = now
                        checkpoints += 1
                        if (
                            stop_after_checkpoints is not None
                            and checkpoints >= stop_after_checkpoints
                        ):
                            status, stop_reason = "interrupted", "requested"
                            break
                try:
                    pending.extend(replay.past(search.flush()))
                except BudgetExhausted as exc:  # the time ran out while the last round was out
                    status, stop_reason = "budget_exhausted", stop_reason or exc.reason
                committer.wait()
        except ModelError as exc:
            committer.wait()  # a checkpoint that failed to write: the store's error instead
            # the findings so far are kept; a served model that stopped answering ends the run
            # as 'model_unavailable' (resumable once it is back), any other failure as 'failed'
            try:
                store.checkpoint(
                    run_id,
                    findings=pending,
                    progress=progress(),
                    status="model_unavailable" if isinstance(exc, ModelUnavailable) else "failed",
                    summary=_summary(search, "model"),
                    error=str(exc),
                )
            except StoreError:  # the store failed too (a full disk): at its last checkpoint
                store.give_up(run_id)
                raise
            raise
        except KeyboardInterrupt:
            # stopped while the model was answering: the last checkpoint is where to resume from
            committer.settle()
            store.checkpoint(run_id, status="interrupted")
            raise RunInterrupted(run_id, str(store.path.resolve())) from None
        except StoreError:
            committer.settle()
            store.give_up(run_id)  # shown stalled at once (its process is ending)
            raise  # nothing more can be written; the last checkpoint stands
        except Exception as exc:
            committer.wait()
            with contextlib.suppress(StoreError):
                store.checkpoint(
                    run_id,
                    status="failed",
                    error=callers_error(exc) or f"internal error: {type(exc).__name__}: {exc}",
                )
            raise
        if status == "completed" and stop_reason is None:  # ended before its budget: why
            stop_reason = getattr(search, "stop_reason", None)
        summary = _summary(search, stop_reason)
        if status in ENDED:  # what follows the search is missing until it is added
            summary = marked(summary, getattr(technique, "after_search", ()))
        final_progress = _with(progress(), resumable_at)
        committed = n_found + _rows(pending) - replay.left
        try:
            store.checkpoint(
                run_id,
                findings=pending,
                snapshot=snapshot(committed) if resumable_at is None else None,
                progress=final_progress,
                status=status,
                summary=summary,
            )
        except StoreError:
            store.give_up(run_id)  # (a full disk) shown stalled at once; resumable
            raise
        outcome = ended_outcome(
            store, run_id, status, summary, final_progress, stop_reason, on_progress
        )
        if stop_flag.pass_on():  # (else: the program's own handler of the signal was called)
            _PENDING.interrupt = RunInterrupted(
                run_id,
                str(store.path.resolve()),
                ended=None if status == "interrupted" else status,
            )
        return outcome
    finally:
        budgeted.close()  # its thread that watches calls, if it made one


def ended_outcome(
    store: RunStore,
    run_id: str,
    status: str,
    summary: dict[str, Any],
    progress: dict[str, Any],
    stop_reason: str | None,
    on_progress: Callable[[dict[str, Any]], None] | None,
) -> RunOutcome:
    """The outcome of a run whose last checkpoint is committed; the last progress line
    printed agrees with the final counts."""
    record = store.get_run(run_id)
    if on_progress is not None:  # (a run that did not end says how it stopped, not 'done')
        phase = "done" if status in ENDED else status.replace("_", " ")
        on_progress({**progress, "phase": phase, "final": True})
    return RunOutcome(
        run_id=run_id,
        status=status,
        n_findings=record.n_findings,
        max_severity=record.max_severity,
        summary=summary,
        progress=progress,
        stop_reason=stop_reason,
    )


def _summary(search: Search, stop_reason: str | None) -> dict[str, Any]:
    summary = dict(search.summary())
    summary["stop_reason"] = stop_reason
    return summary


def _rows(batches: Sequence[FindingBatch]) -> int:
    return sum(len(b) for b in batches)


class _Replay:
    """The findings a resumed search finds again: those a failed session committed after the
    last snapshot, already in the store.  ``past`` drops the first ``left`` rows the search
    yields (the same rows, in the same order, from the same state and seed) and passes on
    the rest, so that the store keeps them whether or not the resumed session gets that far;
    a snapshot then counts ``stored - left`` findings (those its search state holds)."""

    def __init__(self, n: int) -> None:
        self.left = max(0, int(n))

    def past(self, found: Sequence[FindingBatch]) -> list[FindingBatch]:
        out: list[FindingBatch] = []
        for b in found:
            if not len(b):
                continue
            if self.left >= len(b):
                self.left -= len(b)
                continue
            if self.left:
                mask = np.zeros(len(b), dtype=bool)
                mask[self.left :] = True
                b, self.left = b.select(mask), 0
            out.append(b)
        return out


# Ctrl-C, and SIGTERM: what a CI job's timeout, `timeout` and `docker stop` send
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# the terminal closed, an ssh session dropped: a stop too where the process handles it (the
# command line's handler, or a program's own), else its default (the process ends) or
# ``nohup``'s ignoring it stand
HANGUP: signal.Signals | None = getattr(signal, "SIGHUP", None)


class _StopFlag:
    """Turns the first Ctrl-C (or SIGTERM) into a request to stop at the next safe point (a
    second one interrupts at once).  Only active in the main thread.  On any thread, the
    caller's own ``stop=`` (``core.stopping``, ``asked``) stops the run at the same point, its
    model call in flight answered first (``stopping``).

    A program that embeds assay and handles the signal itself (a worker's SIGTERM handler
    that shuts it down, a server's own Ctrl-C) gets it once the run has stopped and left its
    last checkpoint (``pass_on``): the run does not swallow it.  Python's own Ctrl-C handler
    (a script's, a notebook's) is not called: ``pass_on`` says the Ctrl-C was taken from it,
    and the API function the user called raises ``RunInterrupted`` once its run is stored
    (``pending_interrupt``), so that a loop over models stops as Python stops on Ctrl-C."""

    def __init__(self, stop: StopRequest, asked: StopEvent | None = None) -> None:
        self.stop = stop
        self.asked = asked  # the caller's own stop (``core.stopping``): read, never set here
        self._previous: dict[int, Any] = {}
        self._received: dict[int, Any] = {}  # signal -> the handler it was taken from

    @property
    def raised(self) -> bool:
        return self.stop.is_set()

    def stopping(self) -> bool:
        """Whether the run is to stop at this step: a signal, or the caller's ``stop`` (its
        model call in flight is then waited for, not given up on)."""
        return self.stop.is_set() or (self.asked is not None and bool(self.asked.is_set()))

    def _handle(self, signum: int, frame: object) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self._received.setdefault(signum, self._previous.get(signum))
        self.stop.set()

    def pass_on(self) -> bool:
        """Raise again, for the program's own handler, each signal that stopped the run;
        True when a Ctrl-C was taken from Python's own handler (the ``KeyboardInterrupt`` it
        would have raised is owed to the caller: ``pending_interrupt``)."""
        received, self._received = self._received, {}
        owed = False
        for sig, handler in received.items():
            if handler is signal.default_int_handler:
                owed = True
            elif (
                callable(handler)
                and not is_own(handler)  # (the command line's: ``core.handlers``)
                and signal.getsignal(sig) is handler  # (put back: it is the one called)
            ):
                signal.raise_signal(sig)
        return owed

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            # a signal the process ignores stays ignored: a shell starts `assay ... &` with
            # SIGINT ignored, so that a Ctrl-C meant for the foreground does not stop it
            self._previous = {
                sig: signal.signal(sig, self._handle)
                for sig in STOP_SIGNALS
                if signal.getsignal(sig) is not signal.SIG_IGN
            }
            if HANGUP is not None and callable(signal.getsignal(HANGUP)):
                self._previous[HANGUP] = signal.signal(HANGUP, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            if previous is not None:  # (None: not set from Python, nothing to put back)
                signal.signal(sig, previous)
        self._previous = {}


def _state_cap() -> int:
    """The resume state's cap in bytes (``MAX_STATE_BYTES``; ``ASSAY_MAX_STATE_MB`` in MB;
    ``inf`` was an ``OverflowError``: exit 5)."""
    given = os.environ.get("ASSAY_MAX_STATE_MB")
    if not given:
        return MAX_STATE_BYTES
    try:
        megabytes = float(given)
    except ValueError:
        megabytes = math.nan
    if not math.isfinite(megabytes):
        raise UsageError(
            f"must be a number of megabytes (0: no cap), not {given!r}",
            argument="ASSAY_MAX_STATE_MB",
        )
    return max(0, int(megabytes * 1024 * 1024))


def check_run_environment() -> None:
    """The variables the run's driver reads (``ASSAY_CHECKPOINT_SECONDS``,
    ``ASSAY_MAX_STATE_MB``) checked before a run is made or resumed: mistyped, they were
    refused once the run was made (left failed behind, or a resumed run marked failed)."""
    _checkpoint_seconds()
    _state_cap()


def _with(progress: dict[str, Any], resumable_at: dict[str, Any] | None) -> dict[str, Any]:
    """The progress, saying where a resumed run would go back to when the state is capped."""
    if resumable_at is not None:
        progress["resumable_at"] = resumable_at
    return progress
