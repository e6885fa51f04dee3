"""What every session of a text run goes through, new or resumed: the determinism check at
the start, the search (inline, in a worker or a thread, or as units on an executor), the
re-check after it, the served classifiers' counters, and the rates per wall-clock second.
Part of the text technique's shell: it may import ``models`` and ``execution``."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from assay.core.calls import InlineCaller
from assay.core.phased import Phased
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import record_wall_clock
from assay.core.search_starts import keep_session_start
from assay.core.stopping import heard_after_search
from assay.core.store import ENDED, RunStore
from assay.core.unfinished import KEY, finished
from assay.text.engine import thaw
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.recheck import extra_probe_queries
from assay.text.setup import TextSetup
from assay.text.summary import RUN_PER_1000, RUN_RATE, SEARCH_RATE, WALL_SHARE
from assay.text.unused import unused_note

__all__ = [
    "checking_now",
    "recheck_at_start",
    "record_rates",
    "run_session",
    "text_environment",
]


def run_session(
    setup: TextSetup,
    execution: dict[str, Any] | None,
    *,
    checks: bool = True,
    counted: bool = True,
    loading: int = 0,
    resumed_loading: int = 0,
    recheck_env: bool | None = None,
    started: float | None = None,
    before: float = 0.0,
    ended: RunOutcome | None = None,
    **kwargs: Any,
) -> RunOutcome:
    """The search, and the determinism checks around it (``checks``, and not
    ``$ASSAY_TEXT_RECHECK=0``), which count within the query budget with the ``loading``
    queries the run's first session asked loading the classifiers: the search gets what they
    leave (``text.recheck.plan``), the same in every session of a run (``counted`` False: a
    run stored before they counted, whose search has the whole budget).  The queries asked,
    by whom, in the summary (``model_queries``; ``resumed_loading``: those the run's resumed
    sessions asked loading the classifiers again, within the budget too: ``CheckPlan``).
    ``recheck_env``: whether ``$ASSAY_TEXT_RECHECK`` let the checks be made when the run
    began (a resumed run's, from its config: it resumes as it began, whatever the variable
    is now); None: read it now (a new run, or one stored before the run kept it).
    ``started``: when this session began (``time.monotonic()``), ``before``: the run's
    earlier sessions' wall-clock seconds: the progress lines carry the run's wall clock
    (``core.phased``).  ``ended``: the outcome of the run's search, ended in an earlier
    session (``text.finish``): no search, the checks after it only."""
    from assay.models.serving import (
        close_served,
        fail_unavailable,
        follow_served,
        record_served,
        stopped_answering,
    )
    from assay.text.recheck import plan

    checking = checks and (_checking() if recheck_env is None else recheck_env)
    budget = kwargs.get("max_queries")
    the_plan = plan(
        budget if counted else None,
        units=(execution or {}).get("units"),
        loading=loading,
        resumed=resumed_loading,
    )
    if counted and budget is not None:
        kwargs["max_queries"] = the_plan.search_budget(checking=checking)
    probed: dict[str, Any] = {}  # the determinism probe's answer (``_probe``)
    # the search's last summary says the determinism section is missing until it is added
    # (``core.unfinished``: a run killed in its re-check is never read as finished), and the
    # queries by phase after it (``records``: ``_record_queries``), which a run killed between
    # them once lacked, read as finished all the same
    setup.test.after_search = ("determinism", "records")
    # (a finish of a run whose section was added: its records alone, nothing asked again)
    section = ended is None or "determinism" in (ended.summary.get(KEY) or [])
    # the re-check after the search is shown as such: 'done' once it has ended
    stages = Phased(kwargs.get("on_progress"), started=started, before=before)
    kwargs["on_progress"] = stages
    clock = None if started is None else (started, before)  # (the search's start kept)
    follow_served(kwargs["store"], kwargs["run_id"], setup.model.models)  # (a kill: counted)
    try:
        if ended is not None:  # (its probe as the search's session made it, or made again)
            stages({**ended.progress, "phase": "done", "final": True})  # (the search's end)
            if section:
                _probe(setup, setup.model, probed, checking, the_plan, kwargs)
            outcome = ended
        elif not (execution or {}).get("units"):
            outcome = _execute_one(setup, probed, checking, the_plan, clock=clock, **kwargs)
        else:
            outcome = _execute_units(
                setup, execution or {}, probed, checking, the_plan, clock=clock, **kwargs
            )
        thaw()  # what the search froze between its rounds is collected as usual again
        if ended is None and started is not None:
            # the session's wall clock through its search (loading included) kept with the
            # run: a session killed in the checks after it left the engine's seconds alone,
            # and its finish's wall clock lacked its loading
            record_rates(kwargs["store"], outcome, before + time.monotonic() - started)
        # whether a served classifier stopped answering is judged on the run's own requests,
        # before the re-check's (which must never make the ended run a model failure)
        why = stopped_answering(setup.model.models)
        if why is None and checking and section:
            # a stopped session leaves the re-check to the one that ends the run
            asked = int(outcome.progress.get("queries") or 0)
            # (the queries held back from the search are the replay's: not the re-check's)
            asked += int((probed.get("probe") or {}).get("held_for_replay") or 0)
            # a probe whose answers changed asked its sentences a third time: from the
            # re-check's reserve, so the run stays within --max-queries
            extra = extra_probe_queries(probed.get("probe"), the_plan.probe)
            limit = (
                the_plan.recheck_limit(asked, extra) if outcome.status != "interrupted" else None
            )
            stages.phase("checks")
            # the caller's stop= heard there: the section left missing (core.stopping)
            with heard_after_search(outcome.status in ENDED):
                _recheck(setup, probed.get("probe"), limit, the_plan, **kwargs)
        elif why is None and section:
            _record_off(kwargs["store"], kwargs["run_id"], checks)
    finally:  # served classifiers' request counters go with the run, however it ended
        thaw()
        record_served(kwargs["store"], kwargs["run_id"], setup.model.models)
        close_served(setup.model.models)
        _record_queries(kwargs["store"], kwargs["run_id"], budget, loading, resumed_loading)
    # a served classifier that stopped answering ended the run: exit 3, never a pass (a
    # finish's, the run left to finish once it is back)
    fail_unavailable(kwargs["store"], kwargs["run_id"], why, finishing=ended is not None)
    stages.finish()
    return outcome


def _record_queries(
    store: RunStore, run_id: str, budget: int | None, loading: int, resumed: int
) -> None:
    """Every query the run asked, by whom (``summary["model_queries"]``): the search's, the
    determinism checks', loading the classifiers' (within ``budget``, the run's
    ``--max-queries``, when there is one) and resumed sessions' loading (within it too); the
    errors per 1,000 of them, the run's (``RUN_PER_1000``: the search's own are beside it)."""
    with contextlib.suppress(Exception):  # the run's own outcome matters more
        record = store.get_run(run_id)
        summary = dict(record.summary or {})
        if not summary:
            return
        search = int((summary.get("metrics") or {}).get("queries") or 0)
        checks = int((summary.get("determinism") or {}).get("queries") or 0)
        asked: dict[str, Any] = {
            "search": search,
            "checks": checks,
            "loading": loading,
            "total": search + checks + loading + resumed,
            "max_queries": budget,
        }
        if resumed:  # (within the budget: a resumed session loads the classifiers again)
            asked["loading_resumed"] = resumed
        summary["model_queries"] = asked
        summary = finished(summary, "records")  # (the run's last record after its search)
        summary = unused_note(
            summary, record.status, record.n_findings, budget, int(asked["total"])
        )
        metrics = dict(summary.get("metrics") or {})
        metrics["queries asked by loading the classifiers"] = loading
        if RUN_PER_1000 in metrics:  # per every query the run asked, not the search's alone
            errors = float(metrics.get("errors found (distinct failing sentences)") or 0)
            total = int(asked["total"])
            metrics[RUN_PER_1000] = round(1000 * errors / total, 6) if total else None
        summary["metrics"] = metrics
        store.checkpoint(run_id, summary=summary)


def text_environment(
    config: dict[str, Any], options: dict[str, Any], *, checks: bool
) -> dict[str, str]:
    """The environment variables that changed this run's findings, for its rerun command
    (``core.runinfo.pasteable`` sets them before ``assay``): ``ASSAY_TEXT_LANES`` when the
    lanes came from it (not asked: ``setup_text(lanes=...)``), ``ASSAY_TEXT_RECHECK=0`` when it
    turned the determinism checks off (their queries come out of the search's budget)."""
    from assay.text.lag import LAG_ENV
    from assay.text.pipeline import LANES_ENV
    from assay.text.spacing import BEYOND_ASCII, SPACING_ENV

    env: dict[str, str] = {}
    lanes = config.get("lanes")
    if options.get("lanes") is None and isinstance(lanes, int) and lanes != 1:
        env[LANES_ENV] = str(lanes)
    rounds = config.get("rounds")
    if isinstance(rounds, int) and rounds != 1:  # (``$ASSAY_TEXT_LAG``: never asked otherwise)
        env[LAG_ENV] = str(rounds)
    spacing = config.get("spacing")
    if isinstance(spacing, int) and spacing != BEYOND_ASCII:  # ($ASSAY_TEXT_SPACING=1)
        env[SPACING_ENV] = str(spacing)
    if checks and not _checking():
        env["ASSAY_TEXT_RECHECK"] = "0"
    return env


def recheck_at_start(config: dict[str, Any]) -> bool | None:
    """Whether ``$ASSAY_TEXT_RECHECK`` let the run's determinism checks be made when it
    began (``text_environment`` kept ``ASSAY_TEXT_RECHECK=0`` when it did not); None for a
    run stored before its environment was kept."""
    env = config.get("environment")
    if not isinstance(env, dict):
        return None
    return env.get("ASSAY_TEXT_RECHECK") != "0"


def checking_now() -> bool:
    """Whether ``$ASSAY_TEXT_RECHECK`` lets the determinism checks be made now."""
    return _checking()


def _checking() -> bool:
    """Whether the determinism checks may be made (``ASSAY_TEXT_RECHECK=0``: not, for tests
    that count every sentence the search asks; users turn them off with
    ``--no-determinism-check``, ``determinism_check=False``)."""
    return os.environ.get("ASSAY_TEXT_RECHECK", "1") != "0"


def _record_off(store: RunStore, run_id: str, checks: bool) -> None:
    from assay.errors import AssayError
    from assay.text.recheck import record_off

    why = (
        "turned off (--no-determinism-check)" if not checks else "turned off (ASSAY_TEXT_RECHECK=0)"
    )
    with contextlib.suppress(AssayError):
        record_off(store, run_id, why)


def _probe(
    setup: TextSetup,
    model: Any,
    probed: dict[str, Any],
    checking: bool,
    the_plan: Any,
    kwargs: dict[str, Any],
) -> None:
    """``the_plan.probe`` sentences of the grammar (drawn from the run's seed, apart from the
    search's draws) asked twice of ``model`` (the classifiers where the search asks them: a
    forked worker's crash stays there) before the search (``text.recheck.probe``), into
    ``probed``: two calls within the query budget's share kept for them, of at most 5 s (and
    a twentieth of the time left) under a time budget, whose time is the run's
    (``kwargs["max_time"]`` less it).  Under a query budget only the run's first session
    asks them (its queries were kept once), and its answer is kept with the run
    (``config["budget"]["determinism_probe"]``) for the sessions that resume it (a session
    resuming a run killed before it kept one makes it); without a query budget, every
    session makes its own (a resumed run's classifiers may be others)."""
    from assay.core.rng import generator
    from assay.text.recheck import probe

    if not checking:
        return
    if the_plan.budget is not None and kwargs.get("resume"):
        stored = kwargs["store"].get_run(kwargs["run_id"]).config.get("budget") or {}
        made = stored.get("determinism_probe")  # the first session's, kept with the run
        if isinstance(made, dict):
            probed["probe"] = dict(made)
            return
        # none kept: the first session was killed while making it (its first moments, before
        # any checkpoint), so this one makes it as that one was, and keeps it; it once said
        # "its first session made it" and counted none of its queries
    if the_plan.probe <= 0:
        probed["probe"] = _not_probed(
            f"the query budget ({the_plan.budget:,}) is too small to keep queries for it (at "
            "least 40 are needed)"
        )
        return
    started = time.monotonic()
    shown = kwargs.get("on_progress")
    if isinstance(shown, Phased):  # named before the search, as the re-check after it is
        shown.phase("checks")
    test = setup.test
    sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    draws = Draws(generator(int(kwargs["seed"]), 7))
    sentences = [tree_text(sampler.sentence_tree(draws)) for _ in range(the_plan.probe)]
    layout = setup.model.layout
    left = kwargs.get("max_time")
    probed["probe"] = probe(
        model,
        sentences,
        list(layout.names),
        [len(labels) for labels in layout.labels],
        call_timeout=kwargs.get("call_timeout"),
        max_time=None if left is None else max(min(5.0, 0.05 * left), 0.2),
    )
    if the_plan.budget is not None:  # a resumed session reports it, and asks no more
        with contextlib.suppress(Exception):  # (the run's own outcome matters more)
            kwargs["store"].set_budget(kwargs["run_id"], determinism_probe=probed["probe"])
    if left is not None:
        kwargs["max_time"] = max(left - (time.monotonic() - started), 0.1)


def _hold_for_replay(probed: dict[str, Any], the_plan: Any, kwargs: dict[str, Any]) -> None:
    """A search under a query budget whose start's check saw answers change leaves a share
    of it (``replay_hold.held_back``) for asking its findings again, said in the probe's
    record (``held_for_replay``); a resumed session holds the same (its probe is the
    run's)."""
    from assay.text.replay_hold import held_back

    search = kwargs.get("max_queries")
    if the_plan.budget is None or not isinstance(search, int):
        return
    hold = held_back(probed.get("probe"), search)
    if hold:
        kwargs["max_queries"] = search - hold
        probed["probe"] = {**probed["probe"], "held_for_replay": hold}


def _not_probed(why: str) -> dict[str, Any]:
    """The start's check, not made (``why``)."""
    return {
        "sentences": 0,
        "changed": 0,
        "classifiers": [],
        "queries": 0,
        "calls": 0,
        "skipped": why,
    }


def _recheck(
    setup: TextSetup,
    probed: dict[str, Any] | None,
    limit: int | None,
    the_plan: Any,
    **kwargs: Any,
) -> None:
    """At most ``limit`` (None: none, the start's probe alone is recorded) of the run's
    minimal failing sentences asked again
    (``text.recheck``): one call, of at most 5 s under a time budget, within the run's call
    timeout; recorded in the summary with the start's probe (``probed``) and what both
    cost.  A failure there is noted in the summary and leaves the run as it ended (a served
    classifier's too: ``_execute`` judged whether it stopped answering before)."""
    from assay.core.served_answers import redeploy_unseen
    from assay.errors import AssayError
    from assay.models.serving import served_model
    from assay.text.recheck import record_recheck
    from assay.text.replay_hold import hold_findings, replay_room

    # (a resumed served run's changed answers: a redeploy its probe could not see, too)
    sessions = int(kwargs["store"].get_run(kwargs["run_id"]).config.get("sessions") or 1)
    served = any(served_model(m) is not None for m in setup.model.models)
    with contextlib.suppress(AssayError):
        record_recheck(
            kwargs["store"],
            kwargs["run_id"],
            None if limit is None else setup.model,
            call_timeout=kwargs.get("call_timeout"),
            max_time=None if kwargs.get("max_time") is None else 5.0,
            probed=probed,
            limit=limit or 0,
            budget=the_plan.budget,
            other=redeploy_unseen(kwargs["run_id"], sessions) if served else "",
        )
    if limit is None:  # (an interrupted run: its findings are asked again when it ends)
        return
    with contextlib.suppress(AssayError):  # noise found by a sampling classifier: withdrawn
        store, run_id = kwargs["store"], kwargs["run_id"]
        summary = store.get_run(run_id).summary or {}
        hold_findings(
            store,
            run_id,
            setup.test,
            setup.model,
            room=replay_room(summary, the_plan.budget, the_plan.loading, the_plan.resumed),
            call_timeout=kwargs.get("call_timeout"),
            max_time=None if kwargs.get("max_time") is None else 5.0,
        )


def _execute_one(
    setup: TextSetup,
    probed: dict[str, Any],
    checking: bool,
    the_plan: Any,
    *,
    clock: tuple[float, float] | None = None,
    **kwargs: Any,
) -> RunOutcome:
    """One search, its classifiers answering in a worker process, a thread or inline
    (``pipeline.worker_mode``: ``$ASSAY_TEXT_WORKER``); the same findings in every mode."""
    from assay.execution import ThreadCaller
    from assay.models.serving import served_model
    from assay.text.pipeline import PanelWorker, WorkerCaller, worker_mode

    served = any(served_model(m) is not None for m in setup.model.models)
    mode, why = worker_mode(served=served)
    model: Any = setup.model
    worker: PanelWorker | None = None
    caller: Any = InlineCaller()
    if mode == "process":
        worker = model = PanelWorker(setup.model)
        # answers read where they are needed, the deadlines as the wait's timeout (no
        # thread between the search and its worker's pipe)
        caller = WorkerCaller()
    elif mode == "thread":
        caller = ThreadCaller()
    try:
        _probe(setup, model, probed, checking, the_plan, kwargs)
        _hold_for_replay(probed, the_plan, kwargs)
        if worker is not None and worker.stuck():
            # a classifier hung in the probe's call, given up on (the probe says which): the
            # worker is still inside that call, so the search's first call would wait behind
            # it and the run fail there, its probe unsaid; the search gets a worker of its own
            worker.close()
            worker = model = PanelWorker(setup.model)
        _search_begins(clock, kwargs)
        return execute(setup.test, model, caller=caller, **kwargs)
    finally:
        if worker is not None:  # first: a call still out (hung) ends with the worker
            worker.close()
        caller.close()
        _record_worker(kwargs["store"], kwargs["run_id"], mode, why)


def _search_begins(clock: tuple[float, float] | None, kwargs: dict[str, Any]) -> None:
    """The search begins: its start kept with the run at once (``core.search_starts``), so
    that a session killed in it is counted from its own start, its loading and probe
    included, by the resume's wall clock (``clock``: the session's start and the run's
    earlier sessions' seconds; None: not known)."""
    if clock is not None:
        keep_session_start(kwargs["store"], kwargs["run_id"], *clock)


def _record_worker(store: RunStore, run_id: str, mode: str, why: str) -> None:
    """Where the classifiers answered, in the run's summary (its report)."""
    with contextlib.suppress(Exception):  # the run's own outcome matters more
        record = store.get_run(run_id)
        if record.summary:
            summary = dict(record.summary)
            summary["classifiers answered in"] = {"mode": mode, "why": why}
            store.checkpoint(run_id, summary=summary)


def _execute_units(
    setup: TextSetup,
    execution: dict[str, Any],
    probed: dict[str, Any],
    checking: bool,
    the_plan: Any,
    *,
    clock: tuple[float, float] | None = None,
    **kwargs: Any,
) -> RunOutcome:
    from assay.execution.campaign import execute_campaign

    _probe(setup, setup.model, probed, checking, the_plan, kwargs)
    _hold_for_replay(probed, the_plan, kwargs)
    _search_begins(clock, kwargs)

    outcome = execute_campaign(
        setup.test, setup.model, execution, merge=setup.test.merge_summaries, **kwargs
    )
    # the merged search rate is per second of the units' own time, added: make it per second
    # of the search phase's wall clock (the run's own, from its start: ``record_rates``)
    metrics = outcome.summary.get("metrics")
    elapsed = float(outcome.progress.get("elapsed") or 0.0)
    if isinstance(metrics, dict) and elapsed > 0 and not kwargs.get("resume"):
        metrics[SEARCH_RATE] = round(
            float(metrics.get("errors found (distinct failing sentences)") or 0) / elapsed, 6
        )
        kwargs["store"].checkpoint(outcome.run_id, summary=outcome.summary)
    return outcome


def record_rates(store: RunStore, outcome: RunOutcome, seconds: float) -> None:
    """Errors per wall-clock second from the run's start (loading included)."""
    record_wall_clock(
        store,
        outcome.run_id,
        seconds,
        counted="errors found (distinct failing sentences)",
        rate=RUN_RATE,
        share=(WALL_SHARE, "classifier_seconds"),
    )
