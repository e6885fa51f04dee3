"""The Python API: one function per technique, and what applies to every run.

```python
import assay
result = assay.check_fairness(model, data="people.csv", protected=["sex"], max_queries=50_000)
print(result.headline)
```
Each technique owns its setup and API function (``assay.fairness.api``, ...); this module is a
thin shell over them, so that the CLI and the API never disagree.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from assay.backdoor.api import BackdoorResult, check_backdoor, resume_backdoor
from assay.backdoor.finish import needs_model
from assay.core import retention
from assay.core.budget import check_budget
from assay.core.call_exit import leaves_nothing, name_run
from assay.core.callbacks import check_callbacks, theirs
from assay.core.clock import call_started, clocked
from assay.core.command_exit import called, returning
from assay.core.finishing import count_session, finishable, finishing_noted, say_sessions
from assay.core.integrity import check_fingerprints
from assay.core.keywords import from_the_command_line, in_callers_terms
from assay.core.named_code import check_run_named
from assay.core.notices import told_to
from assay.core.program import as_invoked
from assay.core.replay import ReplayResult, judged
from assay.core.resume_batch import batch_sized, check_batch_size, set_batch_size
from assay.core.resume_time import FirstEvent, resumed_time_note
from assay.core.run import check_run_environment
from assay.core.run_commands import run_line
from assay.core.runinfo import imported_so, rerun_command, versions
from assay.core.served_answers import ServedModelChanged, forced
from assay.core.stopping import StopEvent, check_stop, stopping
from assay.core.store import DEFAULT_STORE, ENDED, RunStore, is_default_store, run_store
from assay.core.terminal import shell_join
from assay.core.unfinished import nothing_to_resume
from assay.core.workdir import anchored
from assay.errors import ModelError, UsageError
from assay.execution.resume_where import check_stored, moved_execution
from assay.fairness import loading as fairness_loading
from assay.fairness.api import (
    FairnessResult,
    FairnessSetup,
    check_fairness,
    resume_fairness,
    setup_fairness,
    setup_from_record,
)
from assay.text.api import TextResult, check_text, resume_text

__all__ = [
    "BackdoorResult",
    "FairnessResult",
    "FairnessSetup",
    "TextResult",
    "check_backdoor",
    "check_fairness",
    "check_text",
    "delete_runs",
    "prune_runs",
    "rerun_command",
    "resume_run",
    "setup_fairness",
    "setup_from_record",
    "verify_run",
    "versions",
]

# technique name -> the function that resumes one of its runs
RESUMERS: dict[str, Callable[..., Any]] = {
    "fairness": resume_fairness,
    "text": resume_text,
    "backdoor": resume_backdoor,
}


@in_callers_terms()  # (a refusal names run_id, model, ..., not the command's RUN_ID, --model)
@clocked
@leaves_nothing  # (the run let go of, a store it opened closed, the caller's folder back)
def resume_run(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    force: bool = False,
    on_note: Callable[[str], None] | None = None,
    allow_pickle: bool = False,
    data: Any = None,
    images: Any = None,
    clean: Any = None,
    call_timeout: float | None = None,
    on_start: Callable[[Any], None] | None = None,
    stop: StopEvent | None = None,
    batch_size: int | None = None,
    label_map: Any = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Any:
    """Continue a stopped or killed run from its last checkpoint, whatever its technique.
    A run stopped after its search ended (killed, interrupted or stopped while a fairness run
    computed its answer, confirmed its findings or retrained, a text run re-checked its
    failing sentences, a backdoor scan added its determinism section) is finished: only what
    it lacks is made, its search not run again (``core.finishing``).

    The files the run depends on (model, data, schema) must not have changed since it was
    created (``UsageError`` otherwise); ``force`` lets a changed model through.  A model that
    is a pickle is loaded only with ``allow_pickle`` (the stored run's consent is not reused).
    ``data``: a fairness run's in-memory DataFrame, given again (assay does not store it);
    ``images``, ``clean``: a backdoor run's in-memory images, likewise.  ``call_timeout``:
    seconds one model call may take from now on (a run that failed on a slow model's calls
    resumes with a longer one; kept for later resumes), else the run's own.  ``on_start``:
    called with the run's record once it is checked (files unchanged, arguments fitting its
    technique), before the run is written to and continues; a refused run never calls it.
    ``stop``: as ``check_fairness``'s, a ``threading.Event`` another thread sets to stop the
    run again at its search's next step (interrupted, resumable; the result returned as it
    stands).
    ``batch_size``: the model is given at most this many inputs a call from now on, a
    served model's requests and a local model's (a function's, a file's) calls alike (a run
    stopped by a 413, or by a model failing on batches over some size; kept for later
    resumes, as ``serving={"batch_size": N}`` is: ``core.resume_batch``).
    ``executor``, ``workers``, ``scheduler``: where a run split into units runs the units it
    has left from now on (kept for later resumes): ``executor="inprocess"`` here, a Dask run's
    cluster gone; ``workers=N`` a local Dask cluster; ``scheduler=ADDRESS`` an existing one
    (the same units, the same findings: ``execution.resume_where``).  Given none, a run made
    on Dask whose cluster cannot be had here is refused before it is touched.
    ``label_map``: a text run's lines added to its map of the classifiers' labels (a file or
    the dict ``check_text`` takes): a wording no map named stopped it; a label the run's map
    maps otherwise is refused (``text.label_map_added``); stored with the run.
    ``on_note`` is also told, when the run's wall clock ended past its ``max_time`` (which
    bounds the search and its checks over the run's sessions), what it bounded and how long
    this session's loading took (``core.resume_time``), as ``assay resume`` says it.
    """
    started = call_started()  # (this session's start: its loading is beside the budget)
    if call_timeout is not None:  # a bad value is a usage error before the run is touched
        check_budget(call_timeout=call_timeout)
    check_batch_size(batch_size)
    check_callbacks(on_progress=on_progress, on_note=on_note, on_start=on_start)
    check_stop(stop)
    check_run_environment()  # (a variable mistyped: refused before the run is touched)
    on_progress = theirs("on_progress", on_progress)
    on_note = None if on_note is None else _as_run_here(on_note)
    # a mistyped path is no store (opened, it was made empty, its folders with it)
    # (anchored before the model can move the process: ``core.workdir``)
    the_store = run_store(store if isinstance(store, RunStore) else _existing_path(anchored(store)))
    # this process's alone from here (another running it: refused), then read as it is
    # now: a run another process ended meanwhile is not restarted
    first = the_store.get_run(run_id)
    claimed = first.id
    if first.status in ENDED and not finishable(first):
        # (nothing to resume, told without taking the run: the call or command that ended it
        # holds it while it writes its reports, and was named as "being run" meanwhile; the
        # refusal ``assay resume`` gives, before it claims; left53)
        raise UsageError(
            nothing_to_resume(first.id, first.status, first.summary), argument="RUN_ID"
        )
    held = the_store.claimed(claimed)  # (a caller's store that holds it already keeps it)
    the_store.claim(claimed)
    try:
        record = the_store.get_run(run_id)
        resumer = RESUMERS.get(record.technique)
        if resumer is None:
            raise UsageError(f"cannot resume a {record.technique} run", argument="RUN_ID")
        finishing = finishable(record)
        # (a backdoor scan finished from what it kept reads none of its files)
        read = not finishing or record.technique != "backdoor" or needs_model(record)
        notes = check_fingerprints(
            record.config.get("fingerprints") if read else None,
            run_id=record.id,
            force=force,
            finishing=finishing,
        )
        for note in notes:
            if on_note is not None:
                on_note(note)
        # where its units run (a Dask run's cluster gone: here), checked before it is touched
        moved = moved_execution(record, executor, workers, scheduler)
        if moved is None and not finishing:
            here = f"{run_line('resume', record.id, the_store.path)} --executor inprocess"
            if not from_the_command_line():
                here = f"resume_run({record.id!r}, executor='inprocess')"
            check_stored(record, here)
        if read:  # (the store does not make assay import code, --force or not: core.named_code)
            check_run_named(record, model, verb="resume", force=force, store=the_store.path)
        given: dict[str, Any] = {}
        if data is not None:
            if record.technique != "fairness":
                raise UsageError(f"a {record.technique} run takes no data", argument="data")
            given["data"] = data
        if label_map is not None:
            if record.technique != "text":
                raise UsageError(
                    f"a label map aligns a text run's classifiers; run {record.id} is a "
                    f"{record.technique} run",
                    argument="label_map",
                )
            given["label_map"] = label_map
        for key, value in (("images", images), ("clean", clean)):
            if value is not None:
                if record.technique != "backdoor":
                    raise UsageError(f"a {record.technique} run takes no {key}", argument=key)
                given[key] = value
        # (before the model loads; ``assay resume`` checked it itself, or writes the file
        # where its --export says once it began: ``cli.export_pending``)
        if record.technique == "fairness" and not from_the_command_line():
            from assay.fairness.finish import check_pending_export

            check_pending_export(
                record,
                argument="run_id",
                # (``resume_run`` takes no export: the command that does, for this run)
                elsewhere="make it writable, or give "
                f"`{run_line('resume', record.id, the_store.path)} --export FILE` to write it "
                "elsewhere",
            )
        # checked: from here on the run is written to (a refused resume left it as it was).
        # The caller is told before the first write: ``assay resume`` makes the run its own
        # there, so that an interrupt from then on finishes it as a resume that began, never
        # as one refused that left the run as it was (it had been written to: status39)
        if on_start is not None:
            on_start(record)
        if call_timeout is not None and (record.status not in ENDED or finishing):
            the_store.set_budget(record.id, call_timeout=float(call_timeout))
        if batch_size is not None:
            set_batch_size(the_store, record, batch_size)
        if moved is not None:
            the_store.set_config(record.id, execution=moved)
        # (the exit code of the command that last ran it is no longer the run's: ``assay
        # resume`` marked the run its own in on_start, keeping its code as it ends; a call
        # from Python keeps none, and is marked until it returns: ``core.command_exit``)
        python = None if from_the_command_line() else "resume_run"
        if python is not None:
            called(the_store, record.id, python)
    except BaseException:
        # refused before it began (a changed file, code never named, a caller's on_start):
        # the run is let go of, so that another process (the printed command) may resume it
        # while the caller keeps the exception (which keeps the store open)
        if not held:
            the_store.unclaim(claimed)
        raise
    first_event = FirstEvent(on_progress)  # (when loading ended: the engine's first event)
    # (a fairness run counts its sessions with its phases' seconds: ``session_clock``)
    sessions = count_session(the_store, record) if record.technique != "fairness" else None
    noted = finishing_noted(the_store, record.id) if finishing else nullcontext()
    # (warnings from loading, ``core.notices``, told to on_note: the command's own go to
    # its stderr, unless --quiet)
    told = nullcontext() if on_note is None or from_the_command_line() else told_to(on_note)
    # (the caller's stop=, read at the search's steps)
    # (--force reaches a served model's check too: ``core.served_answers``)
    with returning(the_store, record.id, python), stopping(stop), noted, told, forced(force):
        try:
            result = resumer(
                run_id,
                store=the_store,
                on_progress=first_event,
                model=model,
                overlap=overlap,
                allow_pickle=allow_pickle,
                **given,
            )
        except ServedModelChanged:
            if sessions is not None:  # (refused as it loaded: no session of the run's)
                the_store.set_config(record.id, sessions=sessions - 1)
            raise
    if sessions is not None:
        say_sessions(the_store, record.id, sessions)
    beside = resumed_time_note(
        the_store.get_run(record.id),
        started=started,
        loaded=first_event.at,
        python=not from_the_command_line(),  # (max_time=20 to a Python caller)
    )
    if beside and on_note is not None:
        on_note(beside)
    return result


def _as_run_here(on_note: Callable[[str], None]) -> Callable[[str], None]:
    """``on_note`` told each note with the commands it holds (``assay resume ...``) naming
    the program as the command line prints them here (``core.program.as_invoked``: ``assay``
    when this installation's is on the PATH, else its script or ``python -m assay``)."""

    def said(text: str) -> None:
        on_note(as_invoked(text))

    return said


def _existing_path(store: str | os.PathLike[str]) -> Path:
    """The path of a store that exists (a mistyped path must not read as a store without
    the runs asked for, nor be created empty)."""
    path = Path(store).expanduser()
    if not path.is_file():
        raise UsageError(f"no run store at {path.absolute()}", argument="store")
    return path


def _existing_store(store: RunStore | str | os.PathLike[str]) -> RunStore:
    """The store to delete from: one that exists."""
    if isinstance(store, RunStore):
        return store
    return RunStore(_existing_path(store), compaction="off")


def delete_runs(
    run_ids: str | list[str] | tuple[str, ...],
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    dry_run: bool = False,
) -> retention.Deletion:
    """Delete runs from the store for good (``assay delete``): each named by its id or a
    unique prefix (one id may be given alone); a run another process runs is refused
    (``UsageError``) and then nothing is deleted.  ``dry_run``: say what would go, delete
    nothing.  A store that does not exist is a ``UsageError``."""
    ids = [run_ids] if isinstance(run_ids, str) else list(run_ids)
    if not ids or not all(isinstance(i, str) and i for i in ids):
        raise UsageError(
            f"give the ids of the runs to delete (strings), not {run_ids!r}", argument="run_ids"
        )
    the_store = _existing_store(store)
    chosen = retention.named(the_store, ids, names=retention.API_NAMES)
    return chosen if dry_run else retention.delete(the_store, chosen)


def prune_runs(
    *,
    keep_last: int | None = None,
    older_than: float | str | datetime.timedelta | None = None,
    status: str | list[str] | tuple[str, ...] = (),
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    dry_run: bool = False,
) -> retention.Deletion:
    """Delete the runs a retention policy selects (``assay prune``): beyond the newest
    ``keep_last``, created more than ``older_than`` ago (seconds, ``"30d"`` or a
    ``timedelta``), of the given statuses (``"stalled"``: a run whose process died); every
    condition given must hold.  Runs still running are never deleted (``Deletion.skipped``
    says which and why).  A store that does not exist is a ``UsageError``."""
    if isinstance(older_than, datetime.timedelta):  # (Python's own way to say 30 days)
        older_than = older_than.total_seconds()
    age = (
        retention.parse_age(older_than, argument="older_than")
        if isinstance(older_than, str)
        else older_than
    )
    # "failed,interrupted" as on the command line
    listed = status.split(",") if isinstance(status, str) else status
    statuses = tuple(str(x).strip() for x in listed if str(x).strip())
    given = store.path if isinstance(store, RunStore) else None if store == DEFAULT_STORE else store
    policy = retention.Policy(
        keep_last=keep_last,
        older_than=age,
        statuses=statuses,
        names=retention.naming_store(retention.API_NAMES, given),
    )
    the_store = _existing_store(store)
    chosen = retention.select(the_store, policy)
    return chosen if dry_run else retention.delete(the_store, chosen)


@in_callers_terms()  # (a refusal names run_id, model=, assay.verify_run(...), not --model)
@leaves_nothing  # (a store it opened closed, the caller's folder back)
def verify_run(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    model: Any = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    label_map: str | os.PathLike[str] | dict[Any, dict[str, str]] | None = None,
    data: Any = None,
    batch_size: int | None = None,
) -> ReplayResult:
    """Replay a run's stored findings against its model as it is now, or ``model``
    (``assay verify`` from Python): which still fail?  ``model``: the run's models given
    again, or others: a text run of in-memory classifiers (``check_text([a, b], ...)``),
    which the command line has no way to give, is verified with ``model=[a, b]`` (in the
    run's order); a path or URL as on the command line.  ``label_map`` (text runs): a map
    of the classifiers' labels as they answer now, in place of the run's (a retrained
    classifier that names its labels otherwise).  ``data``: a fairness run's in-memory
    DataFrame, given again (assay does not store it).  The answer's ``still_failing``,
    ``fixed``, ``skipped`` (not replayed: never counted fixed) and ``untested`` (why no
    finding could have failed, or not everything was: a ``total`` of 0 tested nothing)
    say what was tested; ``passed`` is ``assay verify``'s exit 0 (something replayed,
    nothing untested, nothing still failing).  ``batch_size``: the model is given at most
    this many inputs a call (a served model's requests, a local model's calls; a verify
    that failed on the size of its calls), for this replay only: the run is not changed.
    A store that does not exist is a ``UsageError``."""
    check_batch_size(batch_size)
    the_store = (
        store
        if isinstance(store, RunStore)
        else RunStore(_existing_path(anchored(store)), read_only=True)
    )
    record = None
    try:
        record = the_store.get_run(run_id)
        return replay_run(
            the_store,
            record,
            model,
            model_type,
            allow_pickle,
            how="api",
            label_map=label_map,
            data=data,
            batch_size=batch_size,
        )
    except ModelError as exc:  # (named: which run, and that its findings are as they were)
        if exc.run_id is None and record is not None:
            name_run(exc, the_store, record, "verified")
        raise
    finally:
        if the_store is not store:
            the_store.close()


def replay_run(
    the_store: RunStore,
    record: Any,
    model: Any,
    model_type: str | None,
    pickle: bool,
    *,
    how: str = "cli",
    label_map: Any = None,
    data: Any = None,
    batch_size: int | None = None,
) -> ReplayResult:
    """The run's stored findings replayed against its model (``assay verify``,
    ``verify_run``), per technique, with why it is not a pass when it is not one
    (``core.replay.judged``: ``untested``, ``passed``); ``how``: who asks (a run of
    in-memory models given none is refused naming ``verify_run``, in the caller's terms);
    ``label_map``: a text run's classifiers' labels as they answer now mapped (in place of
    the run's map); ``batch_size``: at most so many inputs a model call (this replay's)."""
    check_run_named(record, model, verb="verify", store=the_store.path)  # (core.named_code)
    sized = batch_sized(record, batch_size)  # (the store is not written: a copy)
    return judged(
        _replayed(
            the_store, sized, model, model_type, pickle, how=how, label_map=label_map, data=data
        ),
        record.id,
        record.technique,
    )


def _replayed(
    the_store: RunStore,
    record: Any,
    model: Any,
    model_type: str | None,
    pickle: bool,
    *,
    how: str,
    label_map: Any,
    data: Any,
) -> ReplayResult:
    if record.technique == "text":
        from assay.text.api import setup_from_record as text_setup
        from assay.text.replay import replay_text

        if model is None:
            _refuse_in_memory(record, the_store, how)
        the_text = text_setup(
            record,
            model=model,
            allow_pickle=pickle,
            label_map=label_map,
            verify_lines=_verify_lines(record, the_store, model, how),
        )
        return replay_text(
            the_store.iter_batches(record.id),
            the_text.test,
            the_text.model,
            names=the_text.said_as,
        )
    if label_map is not None:
        raise UsageError(
            f"a label map aligns a text run's classifiers; run {record.id} is a "
            f"{record.technique} run",
            argument="--label-map" if how == "cli" else "label_map",
        )
    if record.technique == "backdoor":
        from assay.backdoor.api import replay_backdoor_run

        return replay_backdoor_run(
            the_store, record, model=model, model_type=model_type, allow_pickle=pickle
        )
    if record.technique != "fairness":
        raise UsageError(
            f"assay verify replays fairness, text and backdoor runs; run {record.id} is a "
            f"{record.technique} run: run it again (the run's command: {record.command})",
            argument="RUN_ID",
        )
    from assay.fairness.replay import replay

    loader: dict[str, Any] = {"model_type": model_type} if model else {}
    if data is not None:  # (a run of an in-memory DataFrame: given again, as to resume_run)
        loader["data"] = data
    elif rows := fairness_loading.in_memory_data(record):
        raise UsageError(
            f"run {record.id} searched an in-memory DataFrame ({rows}), which assay does not "
            f"store; pass it again: assay.verify_run({record.id!r}, model=..., data=frame)"
            + ("" if how == "api" else " (the command line cannot verify this run)"),
            argument="data" if how == "api" else "RUN_ID",
        )
    the_setup = setup_from_record(record, model=model, allow_pickle=pickle, **loader)
    return replay(
        the_store.iter_batches(record.id),
        the_setup.test.schema,
        the_setup.model,
        threshold=the_setup.test.threshold,
    )


def _verify_lines(record: Any, the_store: RunStore, model: Any, how: str) -> tuple[str, str]:
    """How to verify the run (as it can be pasted: the command, ``how == "cli"``, with the
    ``PYTHONPATH`` its models were imported through, or the call) with another classifier
    for each of the run's, and through a map of their labels as they answer now."""
    run_id = record.id
    where = [] if is_default_store(the_store.path) else ["--store", str(the_store.path.absolute())]
    if how != "cli":
        call = f"assay.verify_run({run_id!r}" + (f", store={where[1]!r}" if where else "")
        return f"{call}, model=[...])", f"{call}, model=..., label_map={{...}})"
    given = [model] if isinstance(model, str) else list(model or [])
    models = [w for spec in given for w in ("--model", str(spec))]
    return (
        imported_so(record.config, shell_join(["assay", "verify", run_id, *where])),
        imported_so(
            record.config,
            shell_join(["assay", "verify", run_id, *where, *models, "--label-map", "FILE"]),
        ),
    )


def _refuse_in_memory(record: Any, the_store: RunStore, how: str) -> None:
    """A text run of in-memory classifiers cannot be verified from the command line (it
    cannot give objects): said, naming what can (``verify_run``); from Python without them
    (``verify_run`` given no ``model``), said in its terms (it once named
    ``assay.resume_run``, which resumes a run and verifies nothing: mutation32)."""
    stored = (record.config.get("invocation") or {}).get("models")
    if isinstance(stored, list) and stored and all(s is not None for s in stored):
        return
    where = "" if is_default_store(the_store.path) else f", store={str(the_store.path)!r}"
    if how == "api":
        raise UsageError(
            f"run {record.id} was made with in-memory classifiers: give them again, in the "
            f"run's order: assay.verify_run({record.id!r}{where}, model=[...])",
            argument="model",
        )
    raise UsageError(
        f"run {record.id} was made with in-memory classifiers, which the command line has no "
        f"way to give; verify it from Python, passing them again in the run's order: "
        f"assay.verify_run({record.id!r}{where}, model=[...])",
        argument="RUN_ID",
    )
