"""The text technique's shell: build a text test from classifiers and a grammar, run it.

```python
import assay
result = assay.check_text(["builtin:vader", "builtin:textblob"], grammar="builtin:reviews",
                          max_queries=5_000, seed=1)
print(result.headline)
result.findings()        # a pandas DataFrame, one row per distinct minimal failing sentence
```
Like every technique's ``api.py``, this module may import ``models``, ``datasets`` and
``execution``; the rest of the package imports ``core`` only.

This module is the public entry (``check_text``, ``resume_text``); the shell's other jobs
live in their own modules, one job each:

- ``text.loading``: the classifiers (built-in ones, ``builtin_classifier``, and the others
  through the model adapters), checked and their labels read;
- ``text.prepare``: ``setup_text`` and ``setup_from_record`` (the grammar and the
  classifiers, the labels aligned, the test built) and the fingerprints a resume checks;
- ``text.phases``: what every session of a run goes through (determinism checks, the
  search inline or as units, served classifiers' counters, wall-clock rates);

and, importing ``core`` only like the rest of the technique, ``text.setup`` (``TextSetup``),
``text.result`` (``TextResult``) and ``text.exports`` (``findings_frame``,
``export_findings``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from assay.core.budget import check_budget, time_after_loading
from assay.core.call_exit import leaves_nothing
from assay.core.callbacks import check_callbacks, theirs
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.command_exit import KEY as EXIT_KEY
from assay.core.command_exit import python_call, returning
from assay.core.demonstration import demonstration_flag
from assay.core.exports import check_export
from assay.core.finishing import finishable
from assay.core.interrupted import guarded_run
from assay.core.keywords import check_keywords, in_callers_terms
from assay.core.loading_time import load_within
from assay.core.notices import warn
from assay.core.outcome import check_fail_on
from assay.core.piped_paths import named_pipes
from assay.core.rng import fresh_seed
from assay.core.run import RunOutcome, check_run_environment
from assay.core.runinfo import (
    code_environment,
    launch_dir,
    rerun_command,
    shown_call,
    versions,
)
from assay.core.stopping import StopEvent, check_stop, stopping
from assay.core.store import DEFAULT_STORE, ENDED, RunStore, new_run_id, run_store
from assay.core.unfinished import nothing_to_resume
from assay.core.units import check_units_budget
from assay.core.wholes import whole, wholes
from assay.core.witnesses import DEFAULT_KEEP, keep_keyword, keep_option, parse_keep
from assay.core.workdir import anchored
from assay.errors import UsageError
from assay.text.exports import export_findings, findings_frame, write_findings
from assay.text.finish import resumed_session
from assay.text.lag_beside import KEY as LAG_UNUSED
from assay.text.lag_beside import lag_unused
from assay.text.loading import BUILTIN_CLASSIFIERS, builtin_classifier
from assay.text.models_dict import refuse_models_dict
from assay.text.phases import record_rates, run_session, text_environment
from assay.text.prepare import setup_from_record, setup_text, text_fingerprints
from assay.text.result import TextResult
from assay.text.setup import TextSetup

__all__ = [
    "BUILTIN_CLASSIFIERS",
    "DEFAULT_MAX_QUERIES",
    "TextResult",
    "TextSetup",
    "builtin_classifier",
    "check_export",
    "check_text",
    "exhaustive_warning",
    "export_findings",
    "findings_frame",
    "resume_text",
    "setup_from_record",
    "setup_text",
    "text_fingerprints",
    "write_findings",
]

DEFAULT_MAX_QUERIES = 20_000
TEXT_WHOLES = ("top_k", "max_depth", "batch", "lanes", "floor")  # setup_text's whole numbers


@in_callers_terms(setup_text, renamed={"model": "models"})
@leaves_nothing  # (its run let go of, its store closed, the caller's folder back)
def check_text(
    models: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: TextSetup | None = None,
    on_start: Callable[[str, int, str], None] | None = None,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    units: int | None = None,
    started: float | None = None,
    fail_on: float = 0.0,
    keep_findings: int | str | None = DEFAULT_KEEP,
    determinism_check: bool = True,
    stop: StopEvent | None = None,
    **options: Any,
) -> TextResult:
    """Test text classifiers with sentences from a grammar; store and return what was found.

    ``options`` are those of ``setup_text`` (grammar, oracle, label_map, strategy, mode,
    top_k, threshold, max_depth, names, ...).  Without a budget the run stops after
    ``DEFAULT_MAX_QUERIES`` queries.  A query is one sentence sent to every classifier.
    Every sentence sent counts within ``max_queries``: the search's, the determinism
    checks', and loading's (2 asked of a classifier loaded from a file, a function or an
    endpoint to learn what it answers; up to 64 more of one whose labels are read off its
    answers), so that no classifier is asked more; a budget loading would spend whole is
    refused before the run.  ``summary["model_queries"]`` says who asked what.

    ``units`` splits the search into that many independent searches (each with its own
    seed spawned from ``seed`` and its share of the query budget; ``text.units``);
    ``executor="dask"`` runs them on a Dask cluster (``scheduler="tcp://host:8786"``) or a
    local one of ``workers`` processes (8 units unless told).  A seeded run gives the same
    findings for the same ``units`` whatever the executor and the number of workers.
    Without ``units`` and with the in-process executor, the run is one search (the default).

    ``started``: the ``time.monotonic()`` at which the caller began loading ``setup``: loading
    is part of the run (``max_time`` bounds it, the rates count it).  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``, exit 3).

    ``fail_on``: the severity from which a finding fails the run (the CLI's ``--fail-on``),
    kept with the run so that ``assay resume`` and ``assay report`` judge it the same way.

    ``keep_findings``: the witnesses (distinct minimal failing sentences) kept in the store,
    ``"all"`` or a number (default 100,000: the first half of them, then a seeded random
    sample, plus the most severe); every finding is counted.

    ``determinism_check``: ask sentences of the grammar twice before the search and the
    first minimal failing sentences again after it (``text.recheck``), within the query
    budget (at most a tenth of ``max_queries``, 128 queries from 1,280 on; the search gets
    the rest).  ``False`` (the CLI's ``--no-determinism-check``): neither, and the search has
    the whole budget.

    ``stop``: a ``threading.Event`` (anything with ``is_set()``) that another thread sets to
    stop the run at the search's next step: its findings committed, status ``interrupted``
    (``assay.resume_run`` continues it), the result returned as it stands (``core.stopping``).
    """
    started = call_started() if started is None else float(started)  # the call's (core.clock)
    from assay.execution.campaign import execution_config

    # a NumPy integer is a whole number (kept as a plain int); a bool, a float, a string not
    max_queries, workers, units = (
        whole(max_queries, "max_queries"),
        whole(workers, "workers"),
        whole(units, "units"),
    )
    keep_findings = whole(keep_findings, "keep_findings", text=True)
    options = wholes(options, TEXT_WHOLES)
    # a bad budget or seed is a usage error before anything is loaded or a run exists
    check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed)
    check_callbacks(on_progress=on_progress, on_start=on_start)
    check_stop(stop)
    check_run_environment()  # (a variable mistyped: refused before the run is made)
    if argv is None and setup is None:  # (called from Python: the caller's own functions)
        on_progress, on_start = theirs("on_progress", on_progress), theirs("on_start", on_start)
    fail_on = check_fail_on(fail_on)
    keep = parse_keep(keep_findings)
    execution = execution_config(executor, workers, scheduler, units)
    check_units_budget(execution.get("units"), max_queries)  # every unit gets a query
    if setup is None:  # a misspelt option named in the caller's terms
        check_keywords("check_text", options, (check_text, setup_text))
        refuse_models_dict(models)  # ({"v1": a, "v2": b}: a list and names=)
    given_queries = max_queries  # (the call's, shown in its rerun: not the default)
    if max_queries is None and max_time is None:
        max_queries = DEFAULT_MAX_QUERIES
    # loading's sentences count within the budget: it never asks more than it allows
    store_at = anchored(store)  # (before the model can move the process: core.workdir)
    if setup is None:  # (the command line loads under its own alarm and passes its setup)
        the_setup = load_within(
            max_time,
            started,
            what="the classifiers",
            load=lambda: setup_text(
                models, max_queries=max_queries, call_timeout=call_timeout, **options
            ),
        )
    else:
        the_setup = setup
    loading = the_setup.loading_queries
    _refuse_loading_beyond(max_queries, loading, execution.get("units"))
    # a budget reaching only the first of an exhaustive order's derivations: said to a caller
    # from Python (the command line says it before the run) and kept with the run
    reach = exhaustive_warning(
        the_setup,
        max_queries,
        units=execution.get("units"),
        checks=bool(determinism_check),
        python=argv is None,
    )
    if reach is not None and argv is None:
        warn(reach)
    # (a lag asked beside lanes: no effect, said as the run starts and kept with it)
    test = the_setup.test
    # (named as given: the keywords of this call, the command line's variables; a setup
    # made beforehand, either)
    given = options if setup is None else ({} if argv is not None else None)
    unused_lag = lag_unused(
        {"rounds": test.rounds, "lanes": test.lanes, "strategy": test.strategy}, given
    )
    if unused_lag is not None:
        warn(unused_lag)
    engine_time = time_after_loading(max_time, started)  # before the run exists
    seed = fresh_seed() if seed is None else int(seed)
    the_store = run_store(store_at)
    run_id = new_run_id("text")
    shown = shown_call(
        options,
        max_queries=given_queries,
        max_time=max_time,
        fail_on=fail_on or None,
        units=units,
        keep_findings=keep_keyword(keep),
        determinism_check=None if determinism_check else False,
        store=store,
    )
    if options.get("lanes") is None and the_setup.test.lanes != 1:  # ($ASSAY_TEXT_LANES)
        shown["lanes"] = the_setup.test.lanes  # (the command line's rerun sets the variable)
    command = rerun_command(argv, seed, ("check_text", models, shown))
    config = the_setup.test.config()
    config["invocation"] = the_setup.invocation
    config["cwd"] = launch_dir(argv)  # the rerun command's relative paths are its
    config["piped"] = named_pipes(argv)  # (``core.piped_paths``: mkfifo's)
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
        # asked by this first session's loading, within max_queries: every session's search
        # gets the same budget (a resumed session's loading comes out of the re-check's)
        "loading_queries": loading,
    }
    config["fingerprints"] = text_fingerprints(the_setup)
    # loading's probe answered (a resumed session reads them here, asking nothing again)
    config["loading_answers"] = the_setup.probe_answers
    config["execution"] = execution
    config["fail_on"] = fail_on
    config["keep_findings"] = keep_option(keep)
    config["determinism_check"] = bool(determinism_check)
    if unused_lag is not None:
        config[LAG_UNUSED] = unused_lag
    config["environment"] = {
        **text_environment(config, options, checks=bool(determinism_check)),
        **code_environment(argv, [getattr(m, "spec_info", None) for m in the_setup.model.models]),
    }
    # judged by it, never by the command's words (``core.demonstration``)
    config["demonstration"] = demonstration_flag(argv, config)
    # (a model the Dask workers cannot be sent: refused before a run is left ``failed``)
    from assay.execution.campaign import refuse_unsendable

    refuse_unsendable(execution, the_setup.test, the_setup.model)
    # a call from Python keeps no exit code: marked until it returns (killed, said so)
    python = "check_text" if argv is None else None
    if python is not None:
        config[EXIT_KEY] = python_call(python)
    the_store.create_run(
        run_id=run_id,
        technique="text",
        seed=seed,
        command=command,
        config=config,
        model={"classifiers": [getattr(m, "spec_info", {}) for m in the_setup.model.models]},
        versions=versions(),
        keep_findings=keep,
    )
    # (a Ctrl-C in its checks: resumable)
    with returning(the_store, run_id, python), guarded_run(the_store, run_id):
        if on_start is not None:
            on_start(run_id, seed, command)
        with stopping(stop):  # (the caller's stop=, read at the search's steps)
            outcome = run_session(
                the_setup,
                execution,
                checks=bool(determinism_check),
                loading=loading,
                store=the_store,
                run_id=run_id,
                seed=seed,
                max_queries=max_queries,
                max_time=engine_time,
                call_timeout=call_timeout,
                on_progress=on_progress,
                started=started,
            )
        record_rates(the_store, outcome, time.monotonic() - started)
        if reach is not None:
            _keep_warning(the_store, run_id, reach)
        return _result(the_store, outcome, seed, command)


def exhaustive_warning(
    setup: TextSetup,
    max_queries: int | None,
    *,
    units: int | None = None,
    checks: bool = True,
    python: bool = False,
) -> str | None:
    """``text.strategies.exhaustive_reach`` of an exhaustive run (None for another), over
    the queries its search gets (``recheck.plan``: the budget less loading's queries and,
    ``checks`` and ``$ASSAY_TEXT_RECHECK`` allowing them, the determinism checks')."""
    from assay.text.phases import checking_now
    from assay.text.recheck import plan
    from assay.text.replay_hold import held_back
    from assay.text.strategies import exhaustive_reach

    if setup.test.strategy != "exhaustive":
        return None
    checking = checks and checking_now()
    the_plan = plan(max_queries, units=units, loading=setup.loading_queries)
    search = the_plan.search_budget(checking=checking)
    # (what the replay holds back if the start's check sees answers change: ``held_back``)
    held = held_back({"sentences": 100, "changed": 1}, search) if checking else 0
    return exhaustive_reach(
        setup.test.grammar, setup.test.max_depth, max_queries, search=search, held=held,
        python=python,
    )  # fmt: skip


def _keep_warning(store: RunStore, run_id: str, said: str) -> None:
    """``said`` among the run's warnings and in its Notes section (its reports, its result)."""
    summary = dict(store.get_run(run_id).summary or {})
    if not summary:
        return
    summary["warnings"] = [*(summary.get("warnings") or []), said]
    sections = [dict(s) for s in summary.get("sections") or []]
    notes = next((s for s in sections if s.get("title") == "Notes"), None)
    if notes is None:
        sections.append({"title": "Notes", "text": said})
    else:
        notes["text"] = f"{notes.get('text', '')}\n\n{said}".strip()
    summary["sections"] = sections
    store.checkpoint(run_id, summary=summary)


def _refuse_loading_beyond(max_queries: int | None, loading: int, units: int | None) -> None:
    """Refused (exit 2, before the run exists) when the ``loading`` queries loading the
    classifiers asked leave the search no query (one per unit) within ``max_queries``."""
    needed = loading + (units or 1)
    if max_queries is None or needed <= max_queries:
        return
    raise UsageError(
        f"--max-queries {max_queries:,} leaves no query for the search: loading the "
        f"classifiers asked {loading:,} sentences of the grammar (to learn what they answer), "
        f"counted within --max-queries; give at least --max-queries {needed:,}",
        argument="--max-queries",
    )


def _result(store: RunStore, outcome: RunOutcome, seed: int, command: str) -> TextResult:
    record = store.get_run(outcome.run_id)
    return TextResult(
        run_id=outcome.run_id,
        seed=seed,
        status=outcome.status,
        n_findings=outcome.n_findings,
        max_severity=outcome.max_severity,
        summary=record.summary,
        progress=outcome.progress,
        store=store.path.absolute(),  # (a notebook may chdir later)
        command=command,
    )


def resume_text(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    allow_pickle: bool = False,
    label_map: Any = None,
) -> TextResult:
    """Continue a stopped or killed text run from its last checkpoint (a classifier that is
    a pickle only with ``allow_pickle``: the stored run's consent is never reused;
    ``label_map``: lines added to the run's map, ``text.label_map_added``)."""
    del overlap  # text runs call the classifiers inline
    the_store = run_store(store)
    record = the_store.get_run(run_id)
    if record.technique != "text":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    finish = finishable(record)  # its search ended: only the checks after it are made
    if record.status in ENDED and not finish:
        raise UsageError(
            nothing_to_resume(record.id, record.status, record.summary), argument="RUN_ID"
        )
    outcome = resumed_session(
        record,
        the_store,
        on_progress=on_progress,
        model=model,
        allow_pickle=allow_pickle,
        finish=finish,
        label_map=label_map,
    )
    return _result(the_store, outcome, record.seed, record.command)
