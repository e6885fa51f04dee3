"""A run interrupted outside its search's checkpoints: a Ctrl-C, a notebook's "interrupt
kernel" or a SIGTERM while it loaded, while its determinism checks, a fairness run's answer or
its retraining ran, or while its reports were written (the search's own loop turns the first
one into a stop at its next checkpoint; these phases have no such loop).

The API (``fairness.phases``) and the command line (``cli.reporting.finish_interrupted``)
leave it alike (``left_interrupted``): a run still marked running is marked interrupted
(resumable: ``assay.resume_run``); one whose search had ended keeps its status, and when a
fairness run's answer was cut off its summary says so (``incomplete_reason``: never read as
a pass).  The API then raises ``RunInterrupted`` in the interrupt's place, a
``KeyboardInterrupt`` naming the run: a notebook shows how to go on, and a program that
embeds assay stops as it would on any Ctrl-C.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from assay.core.answer_missing import ANSWER_MISSING
from assay.core.callbacks import callers_error
from assay.core.failed_clock import record_failed_clock
from assay.core.run import RunInterrupted
from assay.core.store import ENDED, RunStore
from assay.errors import AssayError, ModelUnavailable, StoreError, UsageError

__all__ = ["ANSWER_MISSING", "guarded_run", "left_interrupted", "missing_answer", "raised_for"]


def missing_answer(technique: str, config: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    """Why an ended fairness run lacks its answer (it was interrupted while computing it);
    '' when it has it, was not to have it, or left it out for a reason of its own."""
    if technique != "fairness" or "verdict" in summary:
        return ""
    answer = config.get("answer")
    if not isinstance(answer, Mapping) or not answer.get("enabled", True):
        return ""
    warnings = summary.get("warnings") or []
    if any("answer" in str(w) and "left out" in str(w) for w in warnings):
        return ""
    return ANSWER_MISSING


def left_interrupted(store: RunStore, run_id: str) -> RunInterrupted:
    """Leave the run ``run_id`` as an interrupt outside its search leaves it (see above) and
    return the exception to raise in the interrupt's place."""
    record = store.get_run(run_id)
    where = str(store.path.resolve())
    if record.status == "running":  # (this process's run: it made or resumed it)
        store.checkpoint(run_id, status="interrupted")
    elif record.status in ENDED:
        missing = missing_answer(record.technique, record.config, record.summary)
        if missing:
            store.checkpoint(run_id, summary={**record.summary, "incomplete_reason": missing})
        return RunInterrupted(run_id, where, ended=record.status, why=missing)
    return RunInterrupted(run_id, where)


def raised_for(exc: BaseException, store: RunStore, run_id: str) -> BaseException:
    """What to raise in place of the interrupt ``exc`` of the run ``run_id``, once it is left
    as above: ``RunInterrupted``; a ``SystemExit`` as it is (the embedding program's own
    signal handler ended it: ``core.run`` passes it the signal once the run has stopped);
    ``exc`` itself when the store cannot be written either."""
    try:
        stopped = left_interrupted(store, run_id)
    except Exception:  # the store failed too: the interrupt as it came
        return exc
    return stopped if isinstance(exc, KeyboardInterrupt) else exc


@contextmanager
def guarded_run(store: RunStore, run_id: str) -> Iterator[None]:
    """Around the API's work on a run that exists: an interrupt inside leaves the run as
    above and goes on as ``RunInterrupted``; any other exception that finds the run still
    marked running (raised outside its search, which records its own: by the caller's
    ``on_start``, say) marks it failed, saying what failed, and goes on as it is; a failure
    of the store itself leaves it running, given up (``RunStore.give_up``: shown stalled)."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit) as exc:
        raise raised_for(exc, store, run_id) from None
    except StoreError as exc:
        if isinstance(exc, UsageError):  # (a path that is no store: nothing of the run's
            _mark_failed(store, run_id, exc)  # store, a usage error as any other is)
            raise
        # the store failed (a full disk, ``ulimit -f``): no status written, even where that
        # small write would still fit; the run stays at its last checkpoint, marked running
        # and shown stalled at once, as ``core.run`` leaves a fairness run (ops47b: a text
        # or backdoor run was marked failed where the write fitted, running where not)
        store.give_up(run_id)
        raise
    except Exception as exc:
        _mark_failed(store, run_id, exc)
        raise


def _mark_failed(store: RunStore, run_id: str, exc: Exception) -> None:
    """The run, where still marked running, marked failed saying what failed (``exc``)."""
    with contextlib.suppress(Exception):  # (the store failed: the error as it came)
        if store.get_run(run_id).status == "running":
            said = str(exc) if isinstance(exc, AssayError) else None
            said = said or callers_error(exc) or f"internal error: {type(exc).__name__}: {exc}"
            failed = "model_unavailable" if isinstance(exc, ModelUnavailable) else "failed"
            store.checkpoint(run_id, status=failed, error=said)
    record_failed_clock(store, run_id)  # (loading included: ``core.failed_clock``)
