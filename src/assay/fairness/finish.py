"""What follows a fairness run's search (its answer, its determinism section, the records
after it, its retraining), for a resumed run (``resume_fairness``, after its search) and for
a run whose search had ended when it was stopped (``finish_fairness``: killed -9 or stopped
in its answer, its checks or its retraining; ``core.finishing``), which does only the parts
it lacks, its search state perhaps dropped already.

Part of the technique's shell (see ``fairness.api``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.finishing import missing_parts, release, stored_outcome
from assay.core.interrupted import guarded_run
from assay.core.phased import Phased
from assay.core.search_starts import wall_from_starts
from assay.core.stopping import heard_after_search
from assay.core.store import ENDED, RunStore
from assay.fairness.known_classes import record_answered
from assay.fairness.loading import setup_from_record
from assay.fairness.phases import (
    _answer,
    _record_asked,
    _record_by_position,
    _record_constant,
    _record_determinism,
    _record_wall_clock,
    _serving_recorded,
    answer_time,
    answers_after_search,
    bound_answer,
    end_clock,
    keep_estimate_samples,
    no_answer_follows,
    resumed_flip_check,
    sent,
)
from assay.fairness.result import FairnessResult, _result
from assay.fairness.time_spent import TimeSpent, earlier_phases

if TYPE_CHECKING:
    from assay.core.run_record import RunRecord
    from assay.fairness.answer import AnswerOptions
    from assay.fairness.setup import FairnessSetup

__all__ = [
    "after_search",
    "earlier_seconds",
    "export_follows",
    "export_pending",
    "export_written",
    "finish_fairness",
    "session_clock",
    "stored_answer",
]


def earlier_seconds(record: RunRecord) -> float:
    """The run's earlier sessions' wall clock (loading and answer included), as they
    counted it: through their last phase that ended (a session killed after its search
    kept its phases: ``TimeSpent.keep``); the engine's time only where none was kept (a
    session killed in its search)."""
    earlier = record.summary.get("wall_seconds")
    wall = float(earlier) if isinstance(earlier, int | float) else 0.0
    wall = max(wall, sum(_earlier_phases(record).values()))
    # the last session's search start kept with the run (``TimeSpent.begin_search``) and its
    # search's seconds since: a session killed in its search kept no phases, and its loading
    # and checks before the search were lost (12.4 s of a 13.4 s session, counted as 1 s)
    return max(wall, wall_from_starts(record))


def _earlier_phases(record: RunRecord) -> dict[str, float]:
    """The seconds by phase of the run's earlier sessions (``time_spent.earlier_phases``)."""
    engine = float(record.progress.get("elapsed", 0.0) or 0.0)
    return earlier_phases(record.summary, engine)


def session_clock(record: RunRecord, started: float, store: RunStore) -> TimeSpent:
    """The seconds by phase of a session that resumes or finishes ``record`` (started at
    ``started``), its earlier sessions' added to: its wall clock, as theirs, in the
    run's (``after_search`` records them).  The session is counted with the run now
    (``config["sessions"]``; a run's first is 1), so that one killed later is counted
    too: the run's summary says how many sessions its phases took."""
    sessions = int(record.config.get("sessions") or 1) + 1
    store.set_config(record.id, sessions=sessions)
    began = (record.summary or {}).get("search_began_seconds")
    if not isinstance(began, int | float):  # (a first session killed in its search kept it here)
        began = (record.config.get("budget") or {}).get("search_began_seconds")
    return TimeSpent(
        started,
        earlier=_earlier_phases(record),
        sessions=sessions,
        search_began=float(began) if isinstance(began, int | float) else None,
    )


def same_served(record: RunRecord, setup: FairnessSetup) -> None:
    """A served model answering otherwise than when the run began refuses its resume
    (``models.redeployed``), unless the run's flip check saw its answers change."""
    from assay.models.redeployed import refuse_redeployed

    flip = (record.config.get("budget") or {}).get("determinism_flip")
    check = (record.summary or {}).get("determinism")
    unsteady = any(isinstance(c, dict) and c.get("deterministic") is False for c in (flip, check))
    refuse_redeployed(record, [setup.raw_model], steady=not unsteady)


def finish_fairness(
    record: RunRecord,
    *,
    store: RunStore,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    allow_pickle: bool = False,
    data: Any = None,
) -> FairnessResult:
    """Finish the ended run ``record``: the model (and data) loaded as its config says,
    then only what it lacks (``core.finishing.missing_parts``), as its first session would
    have made them; its status stays the one its search ended with."""
    started = call_started()
    given = {} if data is None else {"data": data}
    the_setup = setup_from_record(record, model=model, allow_pickle=allow_pickle, **given)
    same_served(record, the_setup)  # (its answer asked of another model: refused)
    before = earlier_seconds(record)
    spent = session_clock(record, started, store)
    spent.mark("loading")
    parts = missing_parts(record)
    searched = [p for p in parts if p != "export"]  # (the export: once the result is made)
    # an error here (a served model gone) leaves the run as it was, ended and still to be
    # finished: marked failed, its resume would search again (its state is dropped)
    with guarded_run(store, record.id), _serving_recorded(store, record.id, the_setup):
        stages = Phased(on_progress, started=started, before=before)
        stages({**record.progress, "phase": "done", "final": True})  # (the search's end)
        options = stored_answer(record, the_setup)
        if options is not None and "answer" in parts:
            _kept_for_answer(the_setup, options, store, record)
        mitigation = None
        if searched:
            mitigation = after_search(
                the_setup, record, store, options, stages, (started, before, spent), parts=parts
            )
        stages.finish(end_clock(store, record.id, mitigation, started, before))
        outcome = stored_outcome(store.get_run(record.id))
        result = _result(store, outcome, record.seed, record.command, mitigation, the_setup)
        if "export" in parts:  # (the file a kill cut short: written again, whole)
            _export_again(store, record, result)
        release(store, record.id, record.status)
    return _result(
        store, stored_outcome(store.get_run(record.id)), record.seed, record.command,
        mitigation, the_setup,
    )  # fmt: skip


_EXPORT = "export_file"  # the config entry: where --export writes the IDIs


def export_follows(store: RunStore, run_id: str, path: Path) -> None:
    """Before a fairness run's ``--export`` file is written: the file is a part still to
    come (``core.unfinished``), where to write it kept with the run."""
    from assay.core.unfinished import KEY, marked

    store.set_config(run_id, **{_EXPORT: str(Path(path).resolve())})
    summary = dict(store.get_run(run_id).summary or {})
    parts = [p for p in summary.get(KEY) or [] if p != "export"]
    store.checkpoint(run_id, summary=marked(summary, [*parts, "export"]))


def export_pending(record: RunRecord) -> Path | None:
    """Where the run's ``--export`` file goes while a kill has left it unwritten (a part
    still to come, which a finish writes); None otherwise."""
    path = record.config.get(_EXPORT)
    if "export" in missing_parts(record) and isinstance(path, str):
        return Path(path)
    return None


def check_pending_export(record: RunRecord, *, argument: str, elsewhere: str) -> None:
    """Before a resume loads the model: a ``UsageError`` (``argument``) when the run's
    ``--export`` file, which a kill left unwritten and the finish writes, cannot be written
    there now (``elsewhere``: how to write it elsewhere).  Tried after the finish, a folder
    gone or not writable since failed the run then, its model loaded for nothing."""
    from assay.core.writable import check_creatable
    from assay.errors import UsageError

    pending = export_pending(record)
    try:
        check_creatable(pending, "--export")
    except UsageError as exc:
        raise UsageError(
            f"{exc.bare_message} (the file run {record.id}'s --export asked for, which a kill "
            f"left unwritten and this resume writes; {elsewhere})",
            argument=argument,
        ) from None


def export_written(store: RunStore, run_id: str) -> None:
    """The ``--export`` file is written: no longer a part to come."""
    from assay.core.unfinished import finished

    summary = dict(store.get_run(run_id).summary or {})
    store.checkpoint(run_id, summary=finished(summary, "export"))


def _export_again(store: RunStore, record: RunRecord, result: FairnessResult) -> None:
    """The ``--export`` file of a run killed while it was written, written whole."""
    from assay.core.exports import write_table

    path = record.config.get(_EXPORT)
    if isinstance(path, str):
        write_table(result.findings(limit=None), path, written_as=result.written_as)
    export_written(store, record.id)


def after_search(
    the_setup: FairnessSetup,
    record: RunRecord,
    store: RunStore,
    options: AnswerOptions | None,
    stages: Phased,
    clock: tuple[float, float, TimeSpent],
    *,
    parts: list[str] | None = None,
) -> dict[str, Any] | None:
    """The answer, the determinism section, the records after it and the retraining, after
    the run's search (``parts``: only these of ``answer``, ``determinism``, ``retrain``; None:
    every one, a resumed search's); the retraining's report (None: none made).  ``clock``:
    the session's start, its earlier sessions' seconds and the phases' (``session_clock``),
    each phase's seconds kept as it ends (``TimeSpent.keep``).  The caller's
    ``stop=`` (``core.stopping``) is heard there once the search ended: what was not added
    stays marked missing, for the run's resume to add."""
    with heard_after_search(store.get_run(record.id).status in ENDED):
        started, before, spent = clock
        run_id, seed = record.id, record.seed
        budget = record.config.get("budget", {})
        call_timeout = budget.get("call_timeout", DEFAULT_CALL_TIMEOUT)
        asked = {"answer": 0 if parts is None or "answer" in parts else _answered(record)}
        if options is not None and (parts is None or "answer" in parts):
            asked["answer"] -= sent(the_setup)
            no_answer_follows(store, run_id, options)
            if answers_after_search(options, store, run_id):
                stages.phase("answer")
            _answer(
                the_setup,
                options,
                store,
                run_id,
                seed,
                call_timeout,
                answer_time(budget.get("max_time")),
            )
            asked["answer"] += sent(the_setup)
            spent.mark("answer")
            spent.keep(store, run_id)
        flip = resumed_flip_check(record.config)
        flipped = int(flip.pop("queries", 0))
        asked["checks"] = flipped - sent(the_setup)
        if parts is not None and "determinism" not in parts:
            # made before the run was stopped, and counted unless it stopped before its
            # closing records (``phases.checks_follow``)
            asked["checks"] = _checked(record, flipped) if "records" in parts else 0
        elif record.config.get("determinism_check", True):
            stages.phase("checks")
        if parts is None or "determinism" in parts:
            _record_determinism(
                store,
                run_id,
                the_setup,
                flip,
                seed,
                call_timeout,
                answer_time(budget.get("max_time")),
                budget.get("max_queries"),
            )
            asked["checks"] += sent(the_setup)
            spent.mark("checks")
        _record_asked(store, run_id, asked)
        spent.record(store, run_id, budget.get("max_time"))
        summary = dict(store.get_run(run_id).summary)
        summary["wall_seconds_before"] = before
        store.checkpoint(run_id, summary=summary)
        if parts is not None and "answer" in parts:  # (one answer to all it was asked)
            _record_constant(store, run_id, the_setup)
        elif parts is not None:  # as the session that answered saw it
            analysis = record.summary.get("analysis") or {}
            seen, one = analysis.get("constant_answer"), analysis.get("constant_class")
            if isinstance(seen, list) or isinstance(one, int):
                _record_constant(
                    store,
                    run_id,
                    the_setup,
                    seen=seen if isinstance(seen, list) else None,
                    seen_class=one if isinstance(one, int) else None,
                )
        _record_by_position(store, run_id, the_setup)
        record_answered(store, run_id, the_setup.model)
        _record_wall_clock(store, run_id, time.monotonic() - started)
        from assay.fairness.mitigate import MAX_ACCURACY_LOSS
        from assay.fairness.retrain import retrain_model, retrains_after

        if not record.config.get("retrain") or not retrains_after(store, run_id):
            return None
        if parts is not None and "retrain" not in parts:
            return None
        stages.phase("retrain")
        return retrain_model(
            the_setup,
            store=store,
            run_id=run_id,
            seed=seed,
            out_dir=record.config.get("retrain_dir"),
            max_queries=budget.get("max_queries"),
            max_accuracy_loss=record.config.get("max_accuracy_loss", MAX_ACCURACY_LOSS),
        )

    return None


def _kept_for_answer(
    the_setup: FairnessSetup, options: AnswerOptions, store: RunStore, record: RunRecord
) -> None:
    """The estimate's first inputs, as its search kept them for the answer (kept past the
    search's end while the answer is missing: ``core.answer_missing.KEPT_FOR_ANSWER``), so
    that the answer is the one the run not stopped gives; none kept (a run stored before
    they outlived its search): the answer draws its own."""
    budget = record.config.get("budget") or {}
    keep_estimate_samples(
        the_setup, options, budget.get("max_time"), record.config.get("execution")
    )
    snapshot = store.load_snapshot(record.id)
    kept = the_setup.test.kept
    if kept is None or snapshot is None:
        return
    from assay.fairness.kept import restore_kept

    distributions = the_setup.test.estimate_distributions
    restore_kept(kept, distributions, snapshot.unprefixed("search.estimate."))


def _answered(record: RunRecord) -> int:
    """The queries the stored answer of a run stopped after it asked (``analysis.asked``;
    a run stored before it was kept: its sampled figures' and regions', ``analysis.queries``,
    and any enumeration's, ``exact[].queries``), when the run stopped before they were
    counted (``_record_asked``, after the determinism section); 0 once counted."""
    summary = record.summary
    if "model_queries" in summary or "verdict" not in summary:
        return 0
    asked = (summary.get("analysis") or {}).get("asked")
    if isinstance(asked, int):  # (as the answer counted them: its check of trees too)
        return asked
    sampled = int((summary.get("analysis") or {}).get("queries") or 0)
    every = summary.get("exact") or []
    return sampled + sum(int(e.get("queries") or 0) for e in every if isinstance(e, dict))


def _checked(record: RunRecord, flipped: int) -> int:
    """The queries the determinism checks of a run stopped after its section asked: its flip
    check's (``flipped``) and its confirmation's, as the section kept them."""
    section = record.summary.get("determinism") or {}
    confirmed = section.get("confirmation") if isinstance(section, dict) else None
    asked = confirmed.get("queries") if isinstance(confirmed, dict) else None
    return flipped + (asked if isinstance(asked, int) else 0)


def stored_answer(record: RunRecord, the_setup: FairnessSetup) -> AnswerOptions | None:
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
    options.read_check(flipped)  # (batch dependence: not steady)
    # bounded as the first run's was (runs stored before this was so were not)
    bound_answer(the_setup, options, budget.get("max_queries"), budget.get("max_time"))
    return options
