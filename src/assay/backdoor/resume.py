"""A stored backdoor run taken up again: its set-up read back (``setup_from_record``), the
run continued (``resume_backdoor``) or its findings replayed on the model as it is now
(``replay_backdoor_run``, ``assay verify``).

Part of the technique's shell (see ``backdoor.api``): it may import ``models``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.backdoor.npz_arrays import still_there
from assay.backdoor.phases import BackdoorResult, _execute, _result, record_rates
from assay.backdoor.prepare import BackdoorSetup, _array_digests, setup_backdoor
from assay.backdoor.steadiness import check_steadiness, record_steadiness, scan_budget
from assay.backdoor.technique import HELD_OUT_RATE
from assay.backdoor.torch_scores import note_scores_read
from assay.core.budget import BudgetedModel
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.finishing import finishable
from assay.core.interrupted import guarded_run
from assay.core.redact import specs_given_again
from assay.core.replay import ReplayResult
from assay.core.runinfo import earlier_wall_seconds, stored_serving
from assay.core.store import DEFAULT_STORE, ENDED, RunRecord, RunStore, run_store
from assay.core.terminal import shell_join
from assay.core.unfinished import nothing_to_resume
from assay.errors import UsageError

__all__ = ["replay_backdoor_run", "resume_backdoor", "same_served", "setup_from_record"]


def setup_from_record(
    record: RunRecord,
    *,
    model: Any = None,
    allow_pickle: bool = False,
    images: Any = None,
    clean: Any = None,
    replay: bool = False,
    model_type: str | None = None,
) -> BackdoorSetup:
    """A stored backdoor run's setup; a pickle model only with ``allow_pickle`` (the stored
    run's consent is never reused).  ``images``, ``clean``: those of a run made with them in
    memory (never stored), given again; they must be the same.  ``replay``: the model and
    clean images only (``assay verify``: the images are not read again, their findings are
    stored); ``model_type``: the loader of a ``model`` given in the run's model's place."""
    if record.technique != "backdoor":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    inv["allow_pickle"] = allow_pickle
    if inv.get("serving") is not None:  # (an old run's relative --template: its folder's)
        inv["serving"] = stored_serving(record)
    if model_type is not None:
        inv["model_type"] = model_type
    stored = inv.pop("model", None)
    # a URL's credentials were never stored: given again (--model URL) in its place
    spec = model if stored is None else specs_given_again([stored], model, run_id=record.id)[0]
    if spec is None:
        raise UsageError(
            f"run {record.id} was made with an in-memory model, which assay does not store; "
            f"pass it again in Python: assay.resume_run({record.id!r}, model=..."
            + "".join(f", {key}=..." for key in _in_memory(record, inv))
            + ") (the command line cannot resume this run)",
            argument="RUN_ID",
        )
    builtin = isinstance(spec, str) and spec.startswith("builtin:")
    mode = record.config.get("mode")
    given = {"images": images, "clean": clean}
    for key, value in given.items():
        if value is None:
            continue
        if inv.get(key) is not None or builtin or (key == "images" and mode != "inputs"):
            raise UsageError(
                f"run {record.id} read its {key} from {inv.get(key) or 'its own data'}: "
                f"give {key}= only for a run made with them in memory",
                argument=key,
            )
        inv[key] = value
    for key in ("images", "clean"):
        needed = key == "clean" or (mode == "inputs" and not replay)
        if inv.get(key) is None and not builtin and needed:
            raise UsageError(
                f"run {record.id} was made with {key} in memory, which assay does not store; "
                f"pass them again: assay.resume_run({record.id!r}, model=..., images=..., "
                "clean=...) (the command line cannot resume this run)",
                argument=key,
            )
    if inv.pop("model_scan", False) or (builtin and mode == "model") or replay:
        inv["images"] = False
        inv.pop("labels", None)  # the true labels of images not read again
    # loading's probe calls have the run's deadline (``assay resume RUN --call-timeout``'s)
    deadline = (record.config.get("budget") or {}).get("call_timeout", DEFAULT_CALL_TIMEOUT)
    setup = setup_backdoor(spec, replay=replay, call_timeout=deadline, **inv)
    stored = record.config.get("arrays") or {}
    now = _array_digests(setup)
    for key in given:
        if key in stored and now.get(key) != stored[key] and not (replay and key == "images"):
            raise UsageError(
                f"the {key} given are not those run {record.id} scanned (shape "
                f"{tuple(stored[key].get('shape', ()))}, sha256 "
                f"{str(stored[key].get('sha256'))[:12]}...); its stored state no longer fits "
                "them: start a new run",
                argument=key,
            )
    return setup


def resume_backdoor(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    setup: BackdoorSetup | None = None,
    allow_pickle: bool = False,
    images: Any = None,
    clean: Any = None,
) -> BackdoorResult:
    """Continue a stopped or killed backdoor run from its last checkpoint (a pickle model
    only with ``allow_pickle``).  ``images``, ``clean``: a run made with them in memory
    takes them again (assay does not store them; they must be the same)."""
    del overlap  # calls are inline (each round depends on the previous answers)
    started = call_started()  # the call's (core.clock)
    the_store = run_store(store)
    record = the_store.get_run(run_id)
    if finishable(record):  # its scan ended: only what follows it is added
        from assay.backdoor.finish import finish_backdoor

        return finish_backdoor(
            record,
            the_store,
            on_progress=on_progress,
            model=model,
            allow_pickle=allow_pickle,
            images=images,
            clean=clean,
        )
    if record.status in ENDED:
        raise UsageError(
            nothing_to_resume(record.id, record.status, record.summary), argument="RUN_ID"
        )
    before = earlier_wall_seconds(record)
    the_setup = setup or setup_from_record(
        record, model=model, allow_pickle=allow_pickle, images=images, clean=clean
    )
    same_served(record, the_setup)  # (another model behind its URL now: refused)
    budget = record.config.get("budget", {})
    with guarded_run(the_store, record.id):
        the_store.checkpoint(record.id, status="running")
        budget = _checked_as_first(the_store, record, the_setup, budget)
        outcome = _execute(
            the_setup,
            record.config.get("execution"),
            store=the_store,
            run_id=record.id,
            seed=record.seed,
            max_queries=scan_budget(budget.get("max_queries"), budget.get("determinism_probe")),
            max_time=budget.get("max_time"),
            call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
            resume=True,
            on_progress=on_progress,
            clock=(started, before),
        )
        # the wall clock through the scan kept (a kill in the checks after it: its finish
        # counts from there), then through the session's end
        record_rates(the_store, outcome.run_id, before + time.monotonic() - started)
        if isinstance(budget.get("determinism_probe"), dict):  # the first session's, as made
            record_steadiness(the_store, outcome.run_id, budget["determinism_probe"])
        note_scores_read(the_store, outcome.run_id, the_setup.scores_read)  # (logits: said)
        # per wall-clock second from the run's start: the earlier sessions' and this one's,
        # its loading included (as a run that was never stopped counts its own)
        record_rates(the_store, outcome.run_id, before + time.monotonic() - started)
        return _result(
            the_store,
            outcome,
            record.seed,
            record.command,
            the_setup,
            _filter_path(record.config),
            filter_images=record.config.get("filter_images", True) is not False,
        )


def same_served(record: RunRecord, setup: BackdoorSetup) -> None:
    """A served model answering otherwise than when the scan began refuses its resume
    (``models.redeployed``), unless the scan's determinism check saw its answers change."""
    from assay.models.redeployed import refuse_redeployed

    check = (record.config.get("budget") or {}).get("determinism_probe")
    unsteady = isinstance(check, dict) and bool(check.get("changed"))
    refuse_redeployed(record, [setup.raw_model], steady=not unsteady)


def _in_memory(record: RunRecord, inv: dict[str, Any]) -> list[str]:
    """The run's images given in memory (never stored): a resume is given them again."""
    keys = ["images"] if record.config.get("mode") == "inputs" else []
    return [key for key in (*keys, "clean") if inv.get(key) is None]


def _filter_path(config: dict[str, Any]) -> str | None:
    """Where the run's ``--export-filter`` goes: stored absolute; a run stored before that
    kept the path as given, which is its launch folder's (``config["cwd"]``), not this
    session's."""
    path, where = config.get("export_filter"), config.get("cwd")
    if isinstance(path, str) and isinstance(where, str) and not os.path.isabs(path):
        return os.path.join(where, path)
    return path if isinstance(path, str) else None


def replay_backdoor_run(
    store: RunStore,
    record: RunRecord,
    *,
    model: Any = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    clean: Any = None,
) -> ReplayResult:
    """``assay verify`` of a backdoor run: its stored triggers (and STRIP flags) asked of the
    model as it is now (or of ``model``), pasted on the run's clean images (``clean``: those of
    a run made with them in memory, given again).  A run whose clean images cannot be had
    replays nothing: every finding skipped, with why (never counted as fixed)."""
    from assay.backdoor.replay import replay_backdoor

    inv = record.config.get("invocation", {})
    stored = inv.get("model")
    demo = isinstance(stored, str) and stored.startswith("builtin:")
    asked = stored if model is None else model
    the_setup: BackdoorSetup | None = None
    no_clean = ""
    if demo and not (isinstance(asked, str) and asked.startswith("builtin:")):
        no_clean = (
            f"the run scanned {stored}'s own digits, whose clean images go with the built-in "
            "models only: scan your model with your clean images (--clean)"
        )
    elif clean is None and isinstance(inv.get("clean"), str) and not still_there(inv["clean"]):
        no_clean = f"the run's clean images ({inv['clean']}) are gone"
    elif inv.get("clean") is None and clean is None and not demo:
        no_clean = (
            "the run's clean images were given in memory and assay keeps only their digest; "
            "replay it from Python with them: "
            "assay.backdoor.api.replay_backdoor_run(store, record, clean=...)"
        )
    else:
        the_setup = setup_from_record(
            record,
            model=model,
            allow_pickle=allow_pickle,
            clean=clean,
            replay=True,
            model_type=model_type,
        )
    config = record.config
    strategy = str(config.get("strategy", "assay"))
    threshold = config.get("threshold")
    budget = config.get("budget") or {}
    wrapped = None
    if the_setup is not None:
        wrapped = BudgetedModel(
            the_setup.model, call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT)
        )
    try:
        return replay_backdoor(
            store.iter_batches(record.id),
            wrapped,
            None if the_setup is None else the_setup.test.clean,
            seed=record.seed,
            threshold=float(threshold) if threshold else (0.5 if strategy == "neo" else 0.9),
            scan_threshold=HELD_OUT_RATE,
            strip_fpr=float(config.get("strip_fpr", 0.01)),
            strip_blends=int(config.get("strip_blends", 20)),
            no_clean=no_clean,
            classes_then=_classes_then(record),
            shown=show_line(record.id, store.path),
        )
    finally:
        if the_setup is not None:
            from assay.models.serving import close_served

            close_served([the_setup.raw_model])


def show_line(run_id: str, store: str | os.PathLike[str]) -> str:
    """``assay show`` of the run ``run_id`` in ``store``, as it pastes in any directory (the
    store's absolute path, the words quoted for the shell)."""
    where = Path(os.path.abspath(store)).as_posix()
    return shell_join(["assay", "show", run_id, "--store", where])


def _classes_then(record: RunRecord) -> tuple[int | None, tuple[str, ...] | None]:
    """The number and names of the classes of the run's model, as stored with the run."""
    caps = (record.model or {}).get("capabilities") or {}
    n = caps.get("n_classes")
    names = caps.get("class_names")
    return (
        int(n) if isinstance(n, int) else None,
        tuple(str(c) for c in names) if isinstance(names, list) else None,
    )


def _checked_as_first(
    store: RunStore, record: RunRecord, setup: BackdoorSetup, budget: dict[str, Any]
) -> dict[str, Any]:
    """The run's budget with its determinism check: the first session's, or, when that
    session was killed before it kept one (its first moments), the check it was making,
    made now and kept.  A resume once scanned without it: with the check's queries on top
    of the scan's budget (20,000 where the run not killed had 19,984) and no determinism
    section in its report."""
    if isinstance(budget.get("determinism_probe"), dict):
        return budget
    max_time = budget.get("max_time")
    test = setup.test
    check = check_steadiness(
        setup.model,
        test.clean if test.clean is not None else test.images,
        enabled=record.config.get("determinism_check") is not False,
        max_queries=budget.get("max_queries"),
        call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
        max_time=None if max_time is None else 0.1 * max_time,
    )
    store.set_budget(record.id, determinism_probe=check)
    return {**budget, "determinism_probe": check}
