"""``resume_fairness``: continue a stopped or killed fairness run from its last checkpoint,
as its stored configuration describes.

Part of the technique's shell (see ``fairness.api``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.phased import Phased
from assay.core.store import DEFAULT_STORE, RunStore, run_store
from assay.core.unfinished import nothing_to_resume
from assay.errors import UsageError
from assay.fairness.loading import setup_from_record
from assay.fairness.phases import (
    _answer,
    _check_still_served,
    _execute,
    _failed_on_error,
    _record_asked,
    _record_by_position,
    _record_determinism,
    _record_wall_clock,
    _serving_recorded,
    answer_follows,
    answer_time,
    answers_after_search,
    bound_answer,
    checks_follow,
    end_clock,
    keep_estimate_samples,
    no_answer_follows,
    resumed_flip_check,
    sent,
)
from assay.fairness.result import FairnessResult, _result

if TYPE_CHECKING:
    from assay.core.run_record import RunRecord
    from assay.fairness.answer import AnswerOptions
    from assay.fairness.setup import FairnessSetup

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
    if record.status in ("completed", "budget_exhausted"):
        raise UsageError(
            nothing_to_resume(record.id, record.status, record.summary), argument="RUN_ID"
        )
    if record.technique != "fairness":
        raise UsageError(f"cannot resume a {record.technique} run", argument="RUN_ID")
    started = call_started()  # the call's (core.clock)
    given = {} if data is None else {"data": data}
    the_setup = setup_from_record(record, model=model, allow_pickle=allow_pickle, **given)
    budget = record.config.get("budget", {})
    # the earlier sessions' wall clock (loading and answer included), as the first session
    # counted its own; the engine's time only where none was recorded (a killed session)
    earlier = record.summary.get("wall_seconds")
    before = (
        float(earlier)
        if isinstance(earlier, int | float) and not isinstance(earlier, bool)
        else float(record.progress.get("elapsed", 0.0) or 0.0)
    )
    the_store.checkpoint(record.id, status="running")
    with (
        _failed_on_error(the_store, record.id),
        _serving_recorded(the_store, record.id, the_setup),
    ):
        # says each phase, with the run's seconds (its earlier sessions' included, as its
        # summary counts them); 'done' once all of them have ended
        stages = Phased(on_progress, started=started, before=before)
        options = _stored_answer(record, the_setup)
        if options is not None:  # as the first session did (``check_fairness``)
            answer_follows(the_setup, options)
            keep_estimate_samples(the_setup, options, budget.get("max_time"))
        checks_follow(the_setup, bool(record.config.get("retrain")))
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
        _check_still_served(the_setup)
        asked = {"answer": 0}
        if options is not None:
            asked["answer"] -= sent(the_setup)
            no_answer_follows(the_store, record.id, options)
            if answers_after_search(options, the_store, record.id):
                stages.phase("answer")
            _answer(
                the_setup,
                options,
                the_store,
                record.id,
                record.seed,
                budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
                answer_time(budget.get("max_time")),
            )
            asked["answer"] += sent(the_setup)
        flip = resumed_flip_check(record.config)
        asked["checks"] = int(flip.pop("queries", 0)) - sent(the_setup)
        if record.config.get("determinism_check", True):
            stages.phase("checks")
        _record_determinism(
            the_store,
            record.id,
            the_setup,
            flip,
            record.seed,
            budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
            answer_time(budget.get("max_time")),
            budget.get("max_queries"),
        )
        asked["checks"] += sent(the_setup)
        _record_asked(the_store, record.id, asked)
        summary = dict(the_store.get_run(record.id).summary)
        summary["wall_seconds_before"] = before
        the_store.checkpoint(record.id, summary=summary)
        _record_by_position(the_store, record.id, the_setup)
        _record_wall_clock(the_store, record.id, time.monotonic() - started)
        mitigation = None
        from assay.fairness.mitigate import MAX_ACCURACY_LOSS
        from assay.fairness.retrain import retrain_model, retrains_after

        if record.config.get("retrain") and retrains_after(the_store, record.id):
            stages.phase("retrain")
            mitigation = retrain_model(
                the_setup,
                store=the_store,
                run_id=record.id,
                seed=record.seed,
                max_queries=budget.get("max_queries"),
                max_accuracy_loss=record.config.get("max_accuracy_loss", MAX_ACCURACY_LOSS),
            )
        stages.finish(end_clock(the_store, record.id, mitigation, started, before))
    return _result(the_store, outcome, record.seed, record.command, mitigation, the_setup)


def _stored_answer(record: RunRecord, the_setup: FairnessSetup) -> AnswerOptions | None:
    """The run's answer options as its first session stored them (None: none stored)."""
    stored = record.config.get("answer")
    if not isinstance(stored, dict):
        return None
    from assay.fairness.answer import AnswerOptions
    from assay.fairness.verdict import FailRule, parse_fail_on

    budget = record.config.get("budget", {})
    rule = parse_fail_on(stored.get("fail_on"), stored=True)
    samples = int(stored.get("samples", 20_000))
    options = AnswerOptions(
        exact=stored.get("exact"),
        exact_time=float(stored.get("exact_time", 60.0)),
        exact_tolerance=float(stored.get("exact_tolerance", 0.0)),
        favourable=stored.get("favourable"),
        fail_on=rule if isinstance(rule, FailRule) else None,
        samples=max(100, samples),  # (the user's least: --answer-samples)
        enabled=bool(stored.get("enabled", True)),
        time_given=bool(stored.get("time_given", False)),
        bounded=stored.get("bounded") if isinstance(stored.get("bounded"), str) else None,
    )
    options.samples = samples  # (cut below 100 by the run's query budget: answer_cost)
    flipped = (record.config.get("budget") or {}).get("determinism_flip")
    steady = flipped.get("deterministic") if isinstance(flipped, dict) else True
    options.model_steady = steady if isinstance(steady, bool) else None
    # bounded as the first run's was (runs stored before this was so were not)
    bound_answer(the_setup, options, budget.get("max_queries"), budget.get("max_time"))
    return options
