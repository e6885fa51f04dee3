"""``check_fairness``: a new fairness run, phase by phase: setup, the determinism probe, the
answer and the search (in the order the budget calls for), the checks after them, retraining.

Part of the technique's shell (see ``fairness.api``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assay.core.budget import check_budget
from assay.core.call_exit import leaves_nothing
from assay.core.callbacks import check_callbacks, theirs
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.command_exit import KEY as EXIT_KEY
from assay.core.command_exit import python_call, returning
from assay.core.demonstration import demonstration_flag
from assay.core.integrity import file_fingerprint, model_fingerprint
from assay.core.keywords import check_keywords, in_callers_terms
from assay.core.loading_time import load_within
from assay.core.phased import Phased
from assay.core.piped_paths import named_pipes
from assay.core.rng import fresh_seed
from assay.core.run import check_run_environment
from assay.core.runinfo import (
    code_environment,
    launch_dir,
    rerun_command,
    shown_call,
    versions,
)
from assay.core.stopping import StopEvent, check_stop, heard_after_search, stopping
from assay.core.store import DEFAULT_STORE, ENDED, RunStore, new_run_id, run_store
from assay.core.units import check_units_budget
from assay.core.wholes import whole
from assay.core.witnesses import DEFAULT_KEEP, keep_keyword, keep_option, parse_keep
from assay.core.workdir import anchored
from assay.errors import UsageError
from assay.fairness.known_classes import record_answered
from assay.fairness.loading import _setup, frame_digest, refuse_beside_dataset, setup_fairness
from assay.fairness.phases import (
    _add_answer,
    _answer,
    _check_still_served,
    _compute_answer,
    _engine_time,
    _execute,
    _failed_on_error,
    _flip_check,
    _record_asked,
    _record_by_position,
    _record_constant,
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
    sent,
)
from assay.fairness.real_args import real_numbers
from assay.fairness.result import FairnessResult, _result
from assay.fairness.setup import FairnessSetup
from assay.fairness.time_spent import TimeSpent

__all__ = ["DEFAULT_MAX_QUERIES", "check_fairness"]

DEFAULT_MAX_QUERIES = 200_000


@in_callers_terms(_setup)
@leaves_nothing  # (its run let go of, its store closed, the caller's folder back)
def check_fairness(
    model: Any = None,
    data: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    retrain: bool = False,
    retrain_dir: str | os.PathLike[str] | None = None,
    max_accuracy_loss: float | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: FairnessSetup | None = None,
    started: float | None = None,
    on_start: Callable[[str, int, str], None] | None = None,
    overlap: bool = True,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    units: int | None = None,
    keep_findings: int | str | None = DEFAULT_KEEP,
    exact: bool | None = None,
    exact_time: float | None = None,
    favourable: str | None = None,
    fail_on: float | str | None = None,
    answer: bool = True,
    answer_samples: int = 20_000,
    determinism_check: bool = True,
    stop: StopEvent | None = None,
    **options: Any,
) -> FairnessResult:
    """Search ``model`` for individual discrimination; store and return what was found.

    ``data``: example rows (a DataFrame, a path to a CSV/Parquet/JSON-lines file, an array),
    the one argument besides the model that may be given by position
    (``check_fairness(model, df, protected="sex")``); every other is given by name.
    ``options`` are those of ``setup_fairness`` (data, dataset, schema, protected (a number
    by bins: ``"age:bins=25,40,60"``), label, drop (columns the model does not take), missing
    (``"drop"``: set aside the data's rows with an empty value, counted and said;
    ``"value"``: test them, each column with an empty cell taking "missing" as one more value,
    given to the model as NaN),
    strategy, threshold, start, estimate, precision, model_type, allow_pickle, trust, output,
    encoding, optimize: "auto", "queries", "time" or "time-then-queries", what the default
    search spends sparingly).
    Without a budget the run stops after ``DEFAULT_MAX_QUERIES`` queries.  ``overlap``: call
    the model on a background thread while the search prepares its next round (on machines
    with two cores or more); the findings are the same either way.  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``).
    ``keep_findings``: the witnesses kept in the store, ``"all"`` or a number (default
    100,000: the first half of them, then a seeded random sample, plus the most severe);
    every finding is counted.

    ``units`` splits the campaign into that many independent units (each with its own seed
    spawned from ``seed`` and its share of the query budget); ``executor="dask"`` runs them
    on a Dask cluster (``scheduler="tcp://host:8786"``) or a local one of ``workers``
    processes.  A seeded run gives the same findings for the same ``units`` whatever the
    executor and the number of workers.  Without ``units`` and with the in-process executor,
    the run is one search (the default).

    After the search, the answer per protected attribute (verdict, direction, regions; see
    ``fairness.verdict``) is computed from an unbiased sample of ``answer_samples`` rows and
    stored in the summary (``answer=False`` skips it).  ``exact``: read the model's trees and
    compute the share exactly (None: when the model is a tree model the reader knows; True:
    also say why not; False: never), within ``exact_time`` seconds in all (default 60 s
    with ``exact=True``, 10 s when automatic: an automatic analysis that decided nothing
    after a fifth of its default time gives up, one given ``exact_time`` spends it), after
    which bounds are reported.  ``favourable``:
    the favourable class (default: inferred, and said so).  ``fail_on``: ``"share>0.01"``
    marks attributes above it as failing (``result.verdict["fails"]``).

    ``retrain``: retrain the model with the inputs found (``fairness.retrain``), writing the
    retrained model to ``retrain_dir``; ``max_accuracy_loss``: the points of held-out accuracy
    a kept round may lose against its refit-only control (default
    ``mitigate.MAX_ACCURACY_LOSS``, 5; 100 keeps every round that lowers the share).

    The determinism checks (``fairness.determinism``) ask at most a tenth of ``max_queries``
    more; ``determinism_check=False`` skips them.  Every query the run asks, by phase, is in
    ``result.summary["model_queries"]``.

    ``stop``: a ``threading.Event`` (anything with ``is_set()``) that another thread sets to
    stop the run at the search's next step: its findings committed, status ``interrupted``
    (``assay.resume_run`` continues it), the result returned as it stands (``core.stopping``).
    """
    # the run's start: the call's (``core.clock``), loading the model and the data included
    # (--max-time bounds it too, and every rate is per second from here); a caller that
    # loaded ``setup`` itself gives the ``time.monotonic()`` at which it began (``started``)
    started = call_started() if started is None else float(started)
    if data is not None:  # (by position or by name: one of setup_fairness's options)
        options = {"data": data, **options}
    from assay.fairness.answer import AnswerOptions, check_favourable
    from assay.fairness.favourable_given import as_class_text
    from assay.fairness.verdict import FailRule, parse_fail_on

    # a NumPy integer is a whole number (kept as a plain int); a bool, a float, a string not
    max_queries, workers, units, answer_samples = (
        whole(max_queries, "max_queries"),
        whole(workers, "workers"),
        whole(units, "units"),
        whole(answer_samples, "answer_samples"),
    )
    keep_findings = whole(keep_findings, "keep_findings", text=True)
    real_numbers(exact_time=exact_time)  # (threshold, precision: by ``_setup``)
    # everything is checked before the run exists: a bad argument never leaves a stalled run
    check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed)
    check_callbacks(on_progress=on_progress, on_start=on_start)
    check_stop(stop)
    check_run_environment()  # (a variable mistyped: refused before the run is made)
    if argv is None and setup is None:  # (called from Python: the caller's own functions)
        on_progress, on_start = theirs("on_progress", on_progress), theirs("on_start", on_start)
    check_units_budget(units, max_queries)  # every unit gets a query
    keep = parse_keep(keep_findings)
    rule = parse_fail_on(fail_on)
    favourable = as_class_text(favourable)  # (favourable=False, =1: a class by its text)
    answer_options = AnswerOptions(
        exact=exact,
        exact_time=exact_time if exact_time is not None else (60.0 if exact else 10.0),
        favourable=favourable,
        fail_on=rule if isinstance(rule, FailRule) else None,
        samples=answer_samples,
        enabled=answer,
        time_given=exact_time is not None,
    )
    if setup is None:  # a misspelt option named in the caller's terms, not _setup()'s
        check_keywords("check_fairness", options, (check_fairness, _setup))
        refuse_beside_dataset(
            options.get("dataset"),
            schema=options.get("schema"),
            label=options.get("label"),
            drop=options.get("drop"),
        )
    from assay.fairness.retrain import accuracy_bound as _bound

    accuracy_bound = _bound(retrain, max_accuracy_loss)
    if retrain and setup is None:
        from assay.fairness.retrain import refuse_unrefittable

        refuse_unrefittable(model)  # before a served model is asked anything
    store_at = anchored(store)  # (before the model can move the process: core.workdir)
    retrain_dir = anchored(retrain_dir)  # (where the call was made, as the store)
    if setup is None:  # (the command line loads under its own alarm and passes its setup)
        the_setup = load_within(
            max_time,
            started,
            what="the model and data",
            load=lambda: setup_fairness(model, call_timeout=call_timeout, **options),
        )
    else:
        the_setup = setup
    check_favourable(the_setup, answer_options)  # the answer reads it after the search
    if isinstance(rule, FailRule) and rule.measure == "share_data" and the_setup.test.data is None:
        raise UsageError(
            f"{rule} is a rule on the share over the data rows, and there are none (a schema "
            "without --data): it could never fail; give --data, or use 'share>...' (the "
            "input space)",
            argument="--fail-on",
        )
    if retrain:
        from assay.fairness.retrain import check_retrainable

        check_retrainable(the_setup)  # before a run is created
    seed = fresh_seed() if seed is None else int(seed)
    # the call as it was made (``shown_call``): its keywords, not the defaults filled in here
    shown = shown_call(
        options,
        max_queries=max_queries,
        max_time=max_time,
        fail_on=fail_on,
        retrain=retrain or None,
        max_accuracy_loss=max_accuracy_loss,
        exact=exact,
        exact_time=exact_time,
        favourable=favourable,
        answer=None if answer else False,
        answer_samples=None if answer_samples == 20_000 else answer_samples,
        determinism_check=None if determinism_check else False,
        units=units,
        keep_findings=keep_keyword(keep),
        store=store,
    )
    if max_queries is None and max_time is None:
        max_queries = DEFAULT_MAX_QUERIES
    the_store = run_store(store_at)
    run_id = new_run_id("fairness")
    command = rerun_command(argv, seed, ("check_fairness", model, shown))
    config = the_setup.test.config()
    config["keep_findings"] = keep_option(keep)
    config["invocation"] = the_setup.invocation
    config["cwd"] = launch_dir(argv)  # the rerun command's relative paths are its
    config["piped"] = named_pipes(argv)  # (``core.piped_paths``: mkfifo's)
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
    }
    config["retrain"] = retrain
    if retrain:
        config["max_accuracy_loss"] = accuracy_bound  # a resumed run retrains as this one
    if retrain and retrain_dir is not None:  # (and writes its model where this one would)
        config["retrain_dir"] = os.path.abspath(retrain_dir)
    config["determinism_check"] = determinism_check
    config["fingerprints"] = _fingerprints(the_setup)
    config["frame"] = frame_digest(the_setup)  # an in-memory DataFrame, given again to resume
    config["execution"] = _execution_config(executor, workers, scheduler, units)
    # (a model importable through PYTHONPATH alone: its rerun sets it; ``code_environment``)
    if env := code_environment(argv, [getattr(the_setup.raw_model, "spec_info", None)]):
        config["environment"] = env
    # bounded by the run's budget before it is stored: a resumed run answers as this one does
    bound_answer(the_setup, answer_options, max_queries, max_time)
    config["answer"] = answer_options.to_json()
    if isinstance(rule, float):  # a severity: kept, so that a resume judges as the run did
        config["fail_on"] = rule
    # judged by it, never by the command's words (``core.demonstration``)
    config["demonstration"] = demonstration_flag(argv, config)
    # (a model the Dask workers cannot be sent: refused before a run is left ``failed``)
    from assay.execution.campaign import refuse_unsendable

    refuse_unsendable(config["execution"], the_setup.test, the_setup.model)
    # a call from Python keeps no exit code: marked until it returns (killed, said so)
    python = "check_fairness" if argv is None else None
    if python is not None:
        config[EXIT_KEY] = python_call(python)
    the_store.create_run(
        run_id=run_id,
        technique="fairness",
        seed=seed,
        command=command,
        config=config,
        model=getattr(the_setup.raw_model, "spec_info", {}) or {"type": type(model).__name__},
        versions=versions(),
        keep_findings=keep,
    )
    with (
        returning(the_store, run_id, python),
        _failed_on_error(the_store, run_id),
        _serving_recorded(the_store, run_id, the_setup),
    ):
        if on_start is not None:  # (a caller's function: what it raises fails the run)
            on_start(run_id, seed, command)
        # says each phase, with the run's seconds; 'done' once all of them have ended
        stages = Phased(on_progress, started=started)
        spent = TimeSpent(started)
        spent.mark("loading")
        asked = {"checks": -sent(the_setup)}
        if determinism_check:
            stages.phase("checks")
        check = _flip_check(
            the_setup, seed, call_timeout, max_time, started, max_queries, determinism_check
        )
        asked["checks"] += sent(the_setup)
        spent.mark("checks")
        answer_options.read_check(check)  # (batch dependence: not steady)
        # kept with the run: a resumed run reports it (and counts its queries) as this one would
        the_store.set_budget(run_id, determinism_flip={**check, "queries": asked["checks"]})
        keep_estimate_samples(the_setup, answer_options, max_time, config["execution"])
        # with a time budget the answer (which does not depend on the search) comes first:
        # the search then gets the time it really left, not a guessed reserve; its deadline
        # is the share of --max-time it may take
        answer_first = max_time is not None and answer_options.enabled
        answered: dict[str, Any] | None = None
        if answer_first:
            assert max_time is not None
            asked["answer"] = -sent(the_setup)
            stages.phase("answer")
            left = max_time - (time.monotonic() - started)
            answered = _compute_answer(
                the_setup, answer_options, seed, call_timeout, answer_time(max_time, left)
            )
            asked["answer"] += sent(the_setup)
            spent.mark("answer")
        answer_follows(the_setup, answer_options)
        checks_follow(the_setup, retrain)
        spent.begin_search(the_store, run_id)  # (kept at once: a kill in the search)
        with stopping(stop):  # (the caller's stop=, read at the search's steps)
            outcome = _execute(
                the_setup,
                overlap,
                execution=config["execution"],
                store=the_store,
                run_id=run_id,
                seed=seed,
                max_queries=max_queries,
                max_time=_engine_time(max_time, started),
                on_progress=stages,
                call_timeout=call_timeout,
            )
        no_answer_follows(the_store, run_id, answer_options, answered_first=answer_first)
        _check_still_served(the_setup, the_store, run_id)
        spent.mark("search")
        spent.keep(the_store, run_id)  # (a session killed after it: the finish counts it)
        mitigation = None
        # the caller's stop= is heard in the phases after a search that ended too: what they
        # had not added stays marked missing (core.unfinished), and the run's resume adds it
        ended = the_store.get_run(run_id).status in ENDED
        with stopping(stop), heard_after_search(ended):
            if answer_first:
                assert max_time is not None
                left = max_time - (time.monotonic() - started)
                status = the_store.get_run(run_id).status
                if answered is None and status == "completed" and left > 1.0:
                    # the answer did not fit its share of --max-time, but the search ended early
                    # (its space covered): the time it left is the answer's
                    asked["answer"] -= sent(the_setup)
                    stages.phase("answer")
                    answered = _compute_answer(the_setup, answer_options, seed, call_timeout, left)
                    asked["answer"] += sent(the_setup)
                    spent.mark("answer")
                if status != "failed":
                    _add_answer(the_store, run_id, answered)
            else:
                asked["answer"] = -sent(the_setup)
                if answers_after_search(answer_options, the_store, run_id):
                    stages.phase("answer")
                _answer(the_setup, answer_options, the_store, run_id, seed, call_timeout, None)
                asked["answer"] += sent(the_setup)
                spent.mark("answer")
                spent.keep(the_store, run_id)
            asked["checks"] -= sent(the_setup)
            if determinism_check:
                stages.phase("checks")
            _record_determinism(
                the_store,
                run_id,
                the_setup,
                check,
                seed,
                call_timeout,
                None if max_time is None else max_time - (time.monotonic() - started),
                max_queries,
            )
            asked["checks"] += sent(the_setup)
            spent.mark("checks")
            _record_asked(the_store, run_id, asked)
            spent.record(the_store, run_id, max_time)
            _record_constant(the_store, run_id, the_setup)
            _record_by_position(the_store, run_id, the_setup)
            record_answered(the_store, run_id, the_setup.model)
            _record_wall_clock(the_store, run_id, time.monotonic() - started)
            from assay.fairness.retrain import retrain_model, retrains_after

            if retrain and retrains_after(the_store, run_id):
                stages.phase("retrain")
                mitigation = retrain_model(
                    the_setup,
                    store=the_store,
                    run_id=run_id,
                    seed=seed,
                    out_dir=retrain_dir,
                    max_queries=max_queries,
                    max_accuracy_loss=accuracy_bound,
                )
        stages.finish(end_clock(the_store, run_id, mitigation, started, 0.0))
    return _result(the_store, outcome, seed, command, mitigation, the_setup)


def _fingerprints(setup: FairnessSetup) -> dict[str, Any]:
    """What a resume checks did not change: the model file's and the data file's contents."""
    prints: dict[str, Any] = {}
    model = model_fingerprint(
        getattr(setup.raw_model, "spec_info", {}) or {}, setup.invocation.get("model")
    )
    if model is not None:
        prints["model"] = model
    data = setup.invocation.get("data")
    if isinstance(data, str) and Path(data).is_file():
        prints["data"] = file_fingerprint(data)
    schema = setup.invocation.get("schema")
    if isinstance(schema, str) and Path(schema).is_file():
        prints["schema"] = file_fingerprint(schema)
    return prints


def _execution_config(
    executor: str, workers: int | None, scheduler: str | None, units: int | None
) -> dict[str, Any]:
    from assay.execution.campaign import execution_config

    return execution_config(executor, workers, scheduler, units)
