"""A run whose search ended but that was stopped before what follows it was added (killed -9
in its answer, its determinism section or its retraining; an interrupt or the caller's
``stop=`` there), finished by ``assay resume`` / ``assay.resume_run`` rather than searched
again.

Such a run is marked (``core.unfinished``: the parts still to come; a fairness run's missing
answer, ``core.interrupted.ANSWER_MISSING``).  Its search state may be dropped already (an
ended run keeps none), so each technique redoes only the missing parts from what is stored
(``fairness.finish``, ``text.finish``, ``backdoor.finish``); the run keeps its ended status
all along (a kill while finishing leaves it as marked, to be finished again), and is
released at the end (``release``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from assay.core.answer_missing import ANSWER_FAILED, ANSWER_MISSING, answer_said_missing
from assay.core.interrupted import missing_answer
from assay.core.run import RunOutcome
from assay.core.run_record import RunRecord
from assay.core.store import ENDED, RunStore
from assay.core.unfinished import KEY, failed_reason, reason

__all__ = [
    "count_session",
    "finishable",
    "finishing_noted",
    "left_to_finish",
    "missing_parts",
    "release",
    "say_sessions",
    "shown_status",
    "stored_outcome",
]


def missing_parts(record: RunRecord) -> list[str]:
    """What the ended run ``record`` still lacks: ``"answer"`` (a fairness run's), then the
    parts its search's last summary listed (``"determinism"``, ``"retrain"``)."""
    if record.status not in ENDED:
        return []
    summary: Mapping[str, Any] = record.summary or {}
    parts = [str(p) for p in summary.get(KEY) or []]
    answer = answer_said_missing(summary.get("incomplete_reason")) or bool(
        parts and missing_answer(record.technique, record.config, summary)
    )
    return (["answer"] if answer else []) + parts


def finishable(record: RunRecord) -> bool:
    """Whether ``record`` is an ended run that ``assay resume`` finishes (see above)."""
    return bool(missing_parts(record))


UNFINISHED = "unfinished"


def shown_status(record: RunRecord) -> str:
    """The status a user reads for ``record``: ``"unfinished"`` for an ended run that
    ``assay resume`` finishes (the store keeps the status its search ended with,
    ``"completed"`` or ``"budget_exhausted"``, which printed beside "the run did not finish"
    said two things), else the stored one."""
    return UNFINISHED if finishable(record) else record.status


def stored_outcome(record: RunRecord) -> RunOutcome:
    """The search's outcome as the store keeps it (the run's search ended in an earlier
    session)."""
    reason = (record.summary or {}).get("stop_reason")
    return RunOutcome(
        run_id=record.id,
        status=record.status,
        n_findings=record.n_findings,
        max_severity=record.max_severity,
        summary=dict(record.summary or {}),
        progress=dict(record.progress or {}),
        stop_reason=reason if isinstance(reason, str) else None,
    )


_TRIED = "finish_failed"  # config: the run's error says why a try to finish it failed


def release(store: RunStore, run_id: str, status: str) -> None:
    """The finished run left as ended (``status``, as its search ended it) and no longer this
    process's (``RunStore.claim``); the error of an earlier try to finish it (``_noted``),
    stale now, taken away."""
    if store.get_run(run_id).config.get(_TRIED):
        store.set_config(run_id, **{_TRIED: False})
        store.clear_error(run_id)
    store.checkpoint(run_id, status=status)


def _noted(store: RunStore, run_id: str, error: str) -> None:
    """The run, ended and still to finish, says why a try to finish it failed; a missing
    answer (``ANSWER_FAILED``) or a part after it (``unfinished.failed_reason``) is said
    missing for that failure, not for an interrupt or a stop."""
    store.set_config(run_id, **{_TRIED: True})
    summary = store.get_run(run_id).summary or {}
    said = summary.get("incomplete_reason")
    parts = [str(p) for p in summary.get(KEY) or []]
    if said == ANSWER_MISSING:
        store.checkpoint(
            run_id, error=error, summary={**summary, "incomplete_reason": ANSWER_FAILED}
        )
    elif parts and said == reason(parts):
        store.checkpoint(
            run_id, error=error, summary={**summary, "incomplete_reason": failed_reason(parts)}
        )
    else:
        store.checkpoint(run_id, error=error)


def count_session(store: RunStore, record: RunRecord) -> int:
    """A text or backdoor run's session that resumes or finishes it, counted with the run
    as it starts (``config["sessions"]``; a run's first is 1), so that one killed later is
    counted too (a fairness run's: ``fairness.finish.session_clock``, with its phases)."""
    sessions = int(record.config.get("sessions") or 1) + 1
    store.set_config(record.id, sessions=sessions)
    return sessions


def say_sessions(store: RunStore, run_id: str, sessions: int) -> None:
    """The run's summary says how many sessions it took (``summary["sessions"]``)."""
    summary = dict(store.get_run(run_id).summary or {})
    if summary:
        store.checkpoint(run_id, summary={**summary, "sessions": sessions})


@contextmanager
def finishing_noted(store: RunStore, run_id: str) -> Iterator[None]:
    """Around a session that finishes the run: an error that stops it (the model failing
    to load or to answer, a ``--call-timeout``, a bug) is kept as the run's ``error``, the
    run left ended and still to finish (``assay show`` and ``assay runs`` say why its last
    try failed; it once said nothing).  A usage error or an interrupt is not the run's."""
    from assay.core.run import RunInterrupted
    from assay.errors import AssayError, UsageError

    try:
        yield
    except (UsageError, RunInterrupted):
        raise
    except Exception as exc:
        said = str(exc) if isinstance(exc, AssayError) else ""
        said = said or f"internal error ({type(exc).__name__}): {exc}"
        with suppress(Exception):  # (the store failed too: the error as it came)
            if finishable(store.get_run(run_id)):
                _noted(store, run_id, said)
        raise


def left_to_finish(store: RunStore, run_id: str, status: str, error: str) -> None:
    """A run that failed (``status``: ``failed``, ``model_unavailable``; ``error``: why)
    marked so, unless its search had ended and it lacks only what follows it (a model that
    failed in a fairness run's answer or checks, a served classifier gone in a text run's
    re-check): that run keeps its ended status and its marks, the error noted, and its
    resume finishes it once the model answers (marked failed, its resume would search
    again from nothing: an ended run's search state is dropped)."""
    if finishable(store.get_run(run_id)):
        _noted(store, run_id, error)
    else:
        store.checkpoint(run_id, status=status, error=error)
