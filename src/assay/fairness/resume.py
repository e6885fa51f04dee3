"""``resume_fairness``: continue a stopped or killed fairness run from its last checkpoint,
as its stored configuration describes.

Part of the technique's shell (see ``fairness.api``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.finishing import finishable
from assay.core.phased import Phased
from assay.core.store import DEFAULT_STORE, ENDED, RunStore, run_store
from assay.core.unfinished import nothing_to_resume
from assay.errors import UsageError
from assay.fairness.answer import check_favourable
from assay.fairness.finish import (
    after_search,
    earlier_seconds,
    finish_fairness,
    same_served,
    session_clock,
    stored_answer,
)
from assay.fairness.loading import setup_from_record
from assay.fairness.phases import (
    _check_still_served,
    _execute,
    _failed_on_error,
    _serving_recorded,
    answer_follows,
    checks_follow,
    end_clock,
    keep_estimate_samples,
)
from assay.fairness.result import FairnessResult, _result

__all__ = ["resume_fairness"]


def resume_fairness(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    allow_pickle: bool = False,
    data: Any = None,
) -> FairnessResult:
    """Continue a stopped or killed run from its last checkpoint, as its config describes.
    ``allow_pickle``: a model that is a pickle is loaded only with it (never by the stored
    run's consent).  ``data``: the DataFrame of a run made with one in memory (not stored;
    it must be the same)."""
    the_store = run_store(store)
    record = the_store.get_run(run_id)
    if record.technique != "fairness":
        raise UsageError(f"cannot resume a {record.technique} run", argument="RUN_ID")
    if finishable(record):  # its search ended: only what follows it is made
        return finish_fairness(
            record,
            store=the_store,
            on_progress=on_progress,
            model=model,
            allow_pickle=allow_pickle,
            data=data,
        )
    if record.status in ENDED:
        raise UsageError(
            nothing_to_resume(record.id, record.status, record.summary), argument="RUN_ID"
        )
    started = call_started()  # the call's (core.clock)
    given = {} if data is None else {"data": data}
    the_setup = setup_from_record(record, model=model, allow_pickle=allow_pickle, **given)
    same_served(record, the_setup)  # (another model behind its URL now: refused)
    budget = record.config.get("budget", {})
    before = earlier_seconds(record)
    spent = session_clock(record, started, the_store)  # (added to the earlier sessions')
    spent.mark("loading")
    the_store.checkpoint(record.id, status="running")
    with (
        _failed_on_error(the_store, record.id),
        _serving_recorded(the_store, record.id, the_setup),
    ):
        # says each phase, with the run's seconds (its earlier sessions' included, as its
        # summary counts them); 'done' once all of them have ended
        stages = Phased(on_progress, started=started, before=before)
        options = stored_answer(record, the_setup)
        if options is not None:  # as the first session did (``check_fairness``)
            check_favourable(the_setup, options)  # (the group metrics' favourable class)
            answer_follows(the_setup, options)
            keep_estimate_samples(
                the_setup, options, budget.get("max_time"), record.config.get("execution")
            )
        checks_follow(the_setup, bool(record.config.get("retrain")))
        # (the search's own seconds before this session: its earlier sessions')
        spent.begin_search(the_store, record.id, float(record.progress.get("elapsed") or 0.0))
        outcome = _execute(
            the_setup,
            overlap,
            store=the_store,
            run_id=record.id,
            seed=record.seed,
            max_queries=budget.get("max_queries"),
            max_time=budget.get("max_time"),
            resume=True,
            on_progress=stages,
            execution=record.config.get("execution"),
            call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
        )
        _check_still_served(the_setup, the_store, record.id)
        spent.mark("search")
        spent.keep(the_store, record.id)
        clock = (started, before, spent)
        mitigation = after_search(the_setup, record, the_store, options, stages, clock)
        stages.finish(end_clock(the_store, record.id, mitigation, started, before))
    return _result(the_store, outcome, record.seed, record.command, mitigation, the_setup)
