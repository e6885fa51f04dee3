"""The backdoor technique's shell: load the model and images, run a scan, export a filter.

```python
import assay
result = assay.check_backdoor("model.onnx", images="suspect/", clean="clean/", seed=0)
print(result.headline)
```
Like every technique's ``api.py``, this module may import ``models`` and ``execution``, as may
the jobs it is split into (``prepare``: the set-up; ``phases``: the scan, the filter, the
result; ``resume``: a stored run taken up again); the rest of the package imports ``core``
only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from assay.backdoor.phases import BackdoorResult, _execute, _result, export_filter, record_rates
from assay.backdoor.prepare import (
    DEMO_MODELS,
    BackdoorSetup,
    _array_digests,
    _fingerprints,
    setup_backdoor,
)
from assay.backdoor.resume import replay_backdoor_run, resume_backdoor, setup_from_record
from assay.backdoor.second import refuse_unused_opinion
from assay.backdoor.steadiness import check_steadiness, record_steadiness, scan_budget
from assay.backdoor.torch_scores import note_scores_read
from assay.core.budget import check_budget, time_after_loading
from assay.core.call_exit import leaves_nothing
from assay.core.callbacks import check_callbacks, theirs
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.command_exit import KEY as EXIT_KEY
from assay.core.command_exit import python_call, returning
from assay.core.demonstration import demonstration_flag
from assay.core.interrupted import guarded_run
from assay.core.keywords import check_keywords, in_callers_terms
from assay.core.loading_time import load_within
from assay.core.outcome import check_fail_on
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
from assay.core.stopping import StopEvent, check_stop, stopping
from assay.core.store import DEFAULT_STORE, RunStore, new_run_id, run_store
from assay.core.units import check_units_budget
from assay.core.wholes import whole, wholes
from assay.core.witnesses import DEFAULT_KEEP, keep_keyword, keep_option, parse_keep
from assay.core.workdir import anchored
from assay.errors import UsageError

# setup_backdoor's whole numbers
BACKDOOR_WHOLES = (
    "max_trigger",
    "blocker",
    "n_verify",
    "blends",
    "max_queries_per_image",
    "n_classes",
)

__all__ = [
    "DEMO_MODELS",
    "BackdoorResult",
    "BackdoorSetup",
    "check_backdoor",
    "export_filter",
    "replay_backdoor_run",
    "resume_backdoor",
    "setup_backdoor",
    "setup_from_record",
]


@in_callers_terms(setup_backdoor, renamed={"range": "value_range"})
@leaves_nothing  # (its run let go of, its store closed, the caller's folder back)
def check_backdoor(
    model: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    export_filter: str | os.PathLike[str] | None = None,
    filter_images: bool = True,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: BackdoorSetup | None = None,
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
) -> BackdoorResult:
    """Scan ``model`` for backdoors; store and return what was found.

    With ``images``: an input scan (which images carry a trigger); without: a model scan from
    ``clean`` images only.  ``options`` are those of ``setup_backdoor``.

    ``units`` splits an input scan into that many chunks of the images, each scanned by an
    independent unit (``backdoor.units``); ``executor="dask"`` runs them on a Dask cluster
    (``scheduler="tcp://host:8786"``) or a local one of ``workers`` processes (8 units
    unless told).  A seeded run gives the same findings for the same ``units`` whatever the
    executor and the number of workers.  Without ``units`` and with the in-process executor,
    the scan is one search (the default).

    ``started``: the ``time.monotonic()`` at which the caller began loading ``setup``: loading
    is part of the run (``max_time`` bounds it).  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``, exit 3).

    ``fail_on``: the severity from which a finding fails the run (the CLI's ``--fail-on``),
    kept with the run so that ``assay resume`` and ``assay report`` judge it the same way.
    ``filter_images``: whether the ``export_filter`` file carries up to 200 of the clean
    images (a flagged input's trigger region is refilled from them, as the scan's corrected
    label is); ``False`` writes none (images that must not leave their place), and the filter
    covers the region with the image's dominant colour instead.
    ``keep_findings``: the witnesses kept in the store, ``"all"`` or a number (default
    100,000, as ``check_fairness``'s); every finding is counted.
    ``determinism_check``: ask a few clean images twice before the scan
    (``backdoor.steadiness``), within ``max_queries`` (a tenth of it at most); ``False`` (the
    CLI's ``--no-determinism-check``): not made, and the scan has the whole budget.
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
    options = wholes(options, BACKDOOR_WHOLES, loose=("classes",))
    # a bad budget or seed is a usage error before anything is loaded or a run exists
    check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed)
    check_callbacks(on_progress=on_progress, on_start=on_start)
    check_stop(stop)
    check_run_environment()  # (a variable mistyped: refused before the run is made)
    if argv is None and setup is None:  # (called from Python: the caller's own functions)
        on_progress, on_start = theirs("on_progress", on_progress), theirs("on_start", on_start)
    fail_on = check_fail_on(fail_on)
    if not filter_images and export_filter is None:
        raise UsageError(
            "leaving the clean images out says what the filter file holds, and no filter "
            "file was asked for (give --export-filter FILE too)",
            argument="--filter-images",
        )
    if setup is None:
        refuse_unused_opinion(options)
    keep = parse_keep(keep_findings)
    execution = execution_config(executor, workers, scheduler, units)
    check_units_budget(execution.get("units"), max_queries)  # every unit gets a query
    if setup is None:  # a misspelt option named in the caller's terms
        check_keywords("check_backdoor", options, (check_backdoor, setup_backdoor))
    store_at = anchored(store)  # (before the model can move the process: core.workdir)
    # the filter file where the call was made (a Python caller's path made absolute now: its
    # result names it so; the command line's, in the folder ``main`` holds, as given)
    filter_at = export_filter if argv is not None else anchored(export_filter)
    if setup is None:  # (the command line loads under its own alarm and passes its setup)
        the_setup = load_within(
            max_time,
            started,
            what="the model and images",
            load=lambda: setup_backdoor(model, call_timeout=call_timeout, **options),
        )
    else:
        the_setup = setup
    if execution.get("units"):
        the_setup.test.check_units(int(execution["units"]))
    if export_filter is not None and (
        the_setup.test.mode == "model" or the_setup.test.strategy == "strip"
    ):  # (the CLI refuses it before loading: ``cli.backdoor_cmd``)
        scan = "the model scan" if the_setup.test.mode == "model" else "STRIP"
        raise UsageError(
            "writes the triggers a scan of images confirms (strategy 'assay' or 'neo', with "
            f"images); {scan} confirms none, so the file would block nothing",
            argument="export_filter",
        )
    engine_time = time_after_loading(max_time, started)  # before the run exists
    seed = fresh_seed() if seed is None else int(seed)
    the_store = run_store(store_at)
    run_id = new_run_id("backdoor")
    shown = shown_call(
        options,
        max_queries=max_queries,
        max_time=max_time,
        fail_on=fail_on or None,
        export_filter=export_filter,
        filter_images=None if filter_images else False,
        units=units,
        keep_findings=keep_keyword(keep),
        determinism_check=None if determinism_check else False,
        store=store,
    )
    command = rerun_command(argv, seed, ("check_backdoor", model, shown))
    config = the_setup.test.config()
    config["invocation"] = the_setup.invocation
    config["cwd"] = launch_dir(argv)  # the rerun command's relative paths are its
    config["piped"] = named_pipes(argv)  # (``core.piped_paths``: mkfifo's)
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
    }
    # absolute: a resume (from any directory) writes the filter where this run was asked to
    config["export_filter"] = None if filter_at is None else os.path.abspath(filter_at)
    config["filter_images"] = bool(filter_images)
    config["execution"] = execution
    # (a model importable through PYTHONPATH alone: its rerun sets it; ``code_environment``)
    if env := code_environment(argv, [getattr(the_setup.raw_model, "spec_info", None)]):
        config["environment"] = env
    config["fail_on"] = fail_on
    config["fingerprints"] = _fingerprints(the_setup)
    config["arrays"] = _array_digests(the_setup)
    config["keep_findings"] = keep_option(keep)
    # judged by it, never by the command's words (``core.demonstration``)
    config["demonstration"] = demonstration_flag(argv, config)
    # (a model the Dask workers cannot be sent: refused before a run is left ``failed``)
    from assay.execution.campaign import refuse_unsendable

    refuse_unsendable(execution, the_setup.test, the_setup.model)
    # a call from Python keeps no exit code: marked until it returns (killed, said so)
    python = "check_backdoor" if argv is None else None
    if python is not None:
        config[EXIT_KEY] = python_call(python)
    the_store.create_run(
        run_id=run_id,
        technique="backdoor",
        seed=seed,
        command=command,
        config=config,
        model=getattr(the_setup.raw_model, "spec_info", {}) or {"type": type(model).__name__},
        versions=versions(),
        keep_findings=keep,
    )
    # (a Ctrl-C in its checks: resumable)
    with returning(the_store, run_id, python), guarded_run(the_store, run_id):
        if on_start is not None:
            on_start(run_id, seed, command)
        t_check = time.monotonic()
        check = check_steadiness(
            the_setup.model,
            the_setup.test.clean if the_setup.test.clean is not None else the_setup.test.images,
            enabled=determinism_check,
            max_queries=max_queries,
            call_timeout=call_timeout,
            max_time=None if engine_time is None else 0.1 * engine_time,
        )
        the_store.set_budget(run_id, determinism_probe=check)  # a resume reports it, asks no more
        if engine_time is not None:
            engine_time = max(engine_time - (time.monotonic() - t_check), 1e-3)
        with stopping(stop):  # (the caller's stop=, read at the search's steps)
            outcome = _execute(
                the_setup,
                execution,
                store=the_store,
                run_id=run_id,
                seed=seed,
                max_queries=scan_budget(max_queries, check),
                max_time=engine_time,
                call_timeout=call_timeout,
                on_progress=on_progress,
                clock=(started, 0.0),
            )
        # the wall clock through the scan kept (a kill in the checks after it: its finish
        # counts from there, loading included), then through the run's end
        record_rates(the_store, outcome.run_id, time.monotonic() - started)
        record_steadiness(the_store, outcome.run_id, check)
        note_scores_read(the_store, outcome.run_id, the_setup.scores_read)  # (logits: said)
        # images per wall-clock second of the whole run (loading included), beside the mean
        # seconds each image's own scan took
        record_rates(the_store, outcome.run_id, time.monotonic() - started)
        return _result(
            the_store, outcome, seed, command, the_setup, filter_at, filter_images=filter_images
        )
