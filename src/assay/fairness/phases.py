"""The phases of a fairness run once it is set up, shared by ``check_fairness`` and
``resume_fairness``: the search (in process or as units), the answer (verdict, direction,
regions, exact figures), the determinism checks and the wall-clock rates; the share of
``--max-time`` each may take, and what becomes of the run when one of them fails.

Part of the technique's shell (see ``fairness.api``): it may import ``models`` and
``execution``.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any

from assay.core.answer_missing import answer_said_missing
from assay.core.budget import BudgetedModel
from assay.core.callbacks import callers_error
from assay.core.calls import DEFAULT_CALL_TIMEOUT, InlineCaller
from assay.core.display import percent
from assay.core.failed_clock import record_failed_clock
from assay.core.finishing import left_to_finish
from assay.core.interrupted import raised_for
from assay.core.model import Capabilities, Model
from assay.core.process_bound import on_other_processes
from assay.core.rng import generator
from assay.core.run import RunOutcome, execute
from assay.core.served_answers import redeploy_unseen
from assay.core.stopping import asked_stop
from assay.core.store import RunStore
from assay.core.unfinished import finished, restated
from assay.errors import (
    AssayError,
    BudgetExhausted,
    ModelUnavailable,
    StoreError,
    UsageError,
)
from assay.execution import default_caller
from assay.fairness.answer_cost import answer_rows
from assay.fairness.determinism import (
    FLIP_ROUNDS,
    REPEATS,
    batch_bound,
    check_sizes,
    confirm_findings,
    flip_rate,
    not_checked,
    start_batch_bound,
)
from assay.fairness.determinism import section as determinism_section
from assay.fairness.encoded import EncodedModel
from assay.fairness.notes import setup_notes, setup_warnings
from assay.fairness.rates import run_rates
from assay.fairness.setup import FairnessSetup
from assay.fairness.time_spent import SEARCHES, retraining_phase
from assay.fairness.unmeasured import (
    RAN_OUT_BEFORE,
    RAN_OUT_DURING,
    answer_unmeasured,
    checks_unmeasured,
)
from assay.fairness.verdict import RULES_PER_ATTRIBUTE, inside_sample
from assay.models.serving import (
    close_served,
    follow_served,
    record_serving,
    served_model,
    stopped_answering,
)

# the part of --max-time kept for what follows the search and the estimate (the summary, the
# final commit, the reports), so that --max-time bounds the whole run
ANSWER_SHARE = 0.05  # of --max-time: the exact analysis's share (the sampled answer as much)
FINISH_SHARE = 0.03
ANSWER_OF_LEFT = 0.25  # of the time a run bounded by time has left when its answer starts
FINISH_MIN = 1.0  # seconds kept for finishing a run bounded by time (see _engine_time)


@contextmanager
def _serving_recorded(store: RunStore, run_id: str, setup: FairnessSetup) -> Iterator[None]:
    """A served model's request counters go with the run once every phase that asks it is
    over (search, answer, determinism checks, retraining), whether the run ended well or not;
    then its connections are closed.  Until then each checkpoint keeps them so far (a
    session killed: counted to its last checkpoint, ``follow_served``)."""
    with suppress(AssayError):
        follow_served(store, run_id, [setup.raw_model])
    try:
        yield
    finally:
        with suppress(AssayError):
            record_serving(store, run_id, setup.raw_model)
        # its connections closed at the end of the run (a later call opens new ones), as
        # text and backdoor runs close theirs: left to the garbage collector they were
        # 'unclosed socket' warnings in whatever ran next
        close_served([setup.raw_model])


@contextmanager
def _failed_on_error(store: RunStore, run_id: str) -> Iterator[None]:
    """Any exception but an interrupt, a budget or the store's failure marks the run failed
    (an internal error or a model failure is never 'completed'; a usage error while its
    search had not ended), then goes on up to the caller."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit) as exc:
        # (outside the search's checkpoints: its checks, its answer, its retraining; or the
        # program's own signal handler, passed the signal that stopped the run) left as the
        # command line leaves it, and raised on naming the run
        raise raised_for(exc, store, run_id) from None
    except UsageError as exc:
        # raised once the run exists (an ONNX graph taking numbers given text, in its
        # checks): its options are refused, and a resume keeps them; left 'running' it was
        # shown stalled, "its process is gone", with a resume line that failed the same way
        with suppress(Exception):  # (the store failed too: the error as it came)
            if store.get_run(run_id).status == "running":  # (its search had not ended)
                store.checkpoint(run_id, status="failed", error=str(exc))
                record_failed_clock(store, run_id)
        raise
    except (BudgetExhausted, StoreError):
        raise  # (a store that failed stays at its last checkpoint, resumable)
    except BaseException as exc:
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, AssayError):
            message = callers_error(exc) or f"internal error ({type(exc).__name__}): {message}"
        # a served model that stopped answering can be resumed once it is back
        status = "model_unavailable" if isinstance(exc, ModelUnavailable) else "failed"
        with suppress(Exception):  # the store itself failed: the original error matters more
            left_to_finish(store, run_id, status, message)
        record_failed_clock(store, run_id)  # (loading included: ``core.failed_clock``)
        raise


def _engine_time(max_time: float | None, started: float, reserve: float = 0.0) -> float | None:
    """The engine's time budget: --max-time less the time already spent since the run's
    start, less a share kept for finishing (summary, commit, reports) and ``reserve`` (a
    share of --max-time kept for the work after the search, such as the answer)."""
    if max_time is None:
        return None
    spent = time.monotonic() - started
    # finishing takes about a second whatever the budget (a tenth of a short one at most)
    finish = max(FINISH_SHARE * max_time, min(FINISH_MIN, 0.1 * max_time))
    return max(max_time * (1 - reserve) - finish - spent, 1e-3)


def _execute(
    setup: FairnessSetup, overlap: bool, execution: dict[str, Any] | None = None, **kwargs: Any
) -> RunOutcome:
    execution = execution or {}
    if execution.get("units"):
        return _execute_units(setup, execution, **kwargs)
    caller = default_caller() if overlap else InlineCaller()
    try:
        return execute(setup.test, setup.model, caller=caller, **kwargs)
    finally:
        caller.close()


@contextmanager
def _deadlined(
    model: Model, call_timeout: float | None, time_left: float | None, *, heed: bool = False
) -> Iterator[Model]:
    """``model`` with a deadline on every call (``call_timeout``, and ``time_left`` of the run
    in all): checks made outside the search's budget can never hang the run either.  The
    thread that watches its calls ends with the block (a notebook runs many checks)."""
    guarded = BudgetedModel(
        model,
        call_timeout=call_timeout,
        max_time=None if time_left is None else max(time_left, 0.5),
        cache_size=0,
        # (after the search: the caller's stop= is heard, ``core.stopping``)
        heed=asked_stop() if heed else None,
    )
    # the model has answered this run before (its probe): a call still out when the time
    # runs out ends the check (BudgetExhausted), it does not make the model a failure
    guarded.answered = 1
    try:
        yield guarded
    finally:
        guarded.close()


def _flip_check(
    setup: FairnessSetup,
    seed: int,
    call_timeout: float | None,
    max_time: float | None,
    started: float,
    max_queries: int | None = None,
    enabled: bool = True,
) -> dict[str, Any]:
    """Ask the same inputs twice at the start (is the model deterministic?), on a deadline,
    within a twentieth of ``max_queries``; ``enabled=False``: not made, and said so."""
    if not enabled:
        return {**not_checked("skipped (--no-determinism-check)"), "off": True}
    left = None if max_time is None else max_time - (time.monotonic() - started)
    if left is not None and left <= 0:  # loading took it all: nothing asked past it
        return not_checked(RAN_OUT_BEFORE)
    n, _ = check_sizes(max_queries, _combinations(setup))
    before = sent(setup)
    try:
        with _deadlined(
            setup.model, call_timeout, None if left is None else FINISH_SHARE * left
        ) as model:
            return flip_rate(
                setup.test.schema, model, generator(seed, 2), data=setup.test.data, n=n
            )
    except BudgetExhausted:  # (after its queries were asked, said so: they are counted)
        return not_checked(RAN_OUT_DURING if sent(setup) > before else RAN_OUT_BEFORE)
    finally:
        # the constant-model watch judges what the search and the answer are answered: a
        # model that answered these inputs, then one answer to everything after, tested
        # nothing (it passed, exit 0: hostile36)
        if isinstance(setup.model, EncodedModel):
            setup.model.restart_watch()


def resumed_flip_check(config: dict[str, Any]) -> dict[str, Any]:
    """The flip check a resumed run reports: the one its first session made (kept in its
    budget with the queries it asked), or why there is none."""
    if config.get("determinism_check") is False:
        return {**not_checked("skipped (--no-determinism-check)"), "off": True}
    kept = (config.get("budget") or {}).get("determinism_flip")
    if isinstance(kept, dict) and "flip_rate" in kept:
        return dict(kept)
    return not_checked("the run was stopped before its flip check was kept")


def _combinations(setup: FairnessSetup) -> int:
    """The protected combinations every input is asked with (its variants)."""
    schema = setup.test.schema
    return math.prod(int(schema.feature(p).n_values or 2) for p in schema.protected)


def _record_determinism(
    store: RunStore,
    run_id: str,
    setup: FairnessSetup,
    check: dict[str, Any],
    seed: int,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    time_left: float | None = None,
    max_queries: int | None = None,
) -> None:
    """Re-check a sample of the stored IDIs (within a twentieth of ``max_queries``; none
    when the flip check was skipped); record the flip rate and the confirmation rate (and a
    warning on a non-deterministic model) in the run's summary."""
    _, n = check_sizes(max_queries, _combinations(setup))
    if check.get("off") or (time_left is not None and time_left <= 0):
        n = 0  # (--max-time spent: nothing asked past it)
    before = sent(setup)
    try:
        with _deadlined(setup.model, call_timeout, time_left, heed=True) as model:
            confirmation = confirm_findings(
                store.iter_batches(run_id),
                setup.test.schema,
                model,
                generator(seed, 3),
                threshold=setup.test.threshold,
                n=n,
            )
    except BudgetExhausted:  # --max-time is spent: say so rather than overrun it
        confirmation = {"sampled": 0, "confirmed": 0, "confirmation_rate": None, "repeats": 0}
        if sent(setup) > before:  # (its queries were asked, and are counted: no result)
            confirmation["cut"] = RAN_OUT_DURING
    record = store.get_run(run_id)
    summary = finished(record.summary, "determinism")
    if not summary:
        return
    # its queries kept with it: a run stopped before they were counted (``_record_asked``)
    # is finished with them (``fairness.finish``)
    confirmation = {**confirmation, "queries": sent(setup) - before}
    summary["determinism"] = {**check, "confirmation": confirmation}
    apart = on_other_processes(record.config.get("execution"))  # (its units on Dask)
    section = determinism_section(check, confirmation, apart)
    summary["sections"] = [*summary.get("sections", []), section]
    metrics = dict(summary.get("metrics") or {})
    if not check.get("skipped"):
        metrics["answers changed on a repeated call (%)"] = round(100 * check["flip_rate"], 2)
    if confirmation.get("confirmation_rate") is not None:
        rate = 100 * float(confirmation["confirmation_rate"])
        metrics["IDIs confirmed on re-check (%)"] = round(rate, 1)
    summary["metrics"] = metrics
    # the other cause a resumed served run's re-check cannot tell from the batch: a model
    # deployed since whose probe answer was the same (a few labels: core.served_answers)
    sessions = int(record.config.get("sessions") or 1)
    served = served_model(setup.raw_model) is not None
    other = redeploy_unseen(run_id, sessions) if served else ""
    said = _determinism_warning(check, confirmation, apart + other)
    if said is not None:
        summary["warnings"] = [*summary.get("warnings", []), str(section["note"])]
        summary["headline"] = f"{summary.get('headline', '')} (warning: {said})"
    store.checkpoint(run_id, summary=summary)


def _determinism_warning(
    check: dict[str, Any], confirmation: dict[str, Any], other: str = ""
) -> str | None:
    """The headline's warning on what the determinism checks saw (None: nothing to say):
    a model not deterministic, or one whose answers depend on the batch (seen at the start,
    else in the stored IDIs re-checked, ``other``: the other cause of that, said after)."""
    if check["deterministic"] is False:
        return (
            f"the model is not deterministic; {percent(check['flip_rate'])} of answers changed "
            f"on a repeated call"
        )
    if start_batch_bound(check) is not None:
        return (
            f"the model's answers depend on the batch they are asked in: "
            f"{check['batch_changed']:,} of {check['rows']:,} inputs were answered otherwise in "
            f"another batch; findings may not reproduce, and none found does not show it fair"
        )
    if batch_bound(check, confirmation) is not None:
        return (
            f"{percent(1 - float(confirmation['confirmation_rate']))} of the IDIs re-checked "
            f"did not hold when asked again: the model's answers depend on the batch they are "
            f"asked in{other}"
        )
    return None


def _check_still_served(setup: FairnessSetup, store: RunStore, run_id: str) -> None:
    """A served model that stopped answering ended the run, not its budget: a model failure
    (exit 3), never a pass (``models.serving.stopped_answering``); its search is not whole,
    so the run is marked so here (never left to finish: ``_failed_on_error``)."""
    why = stopped_answering([setup.raw_model])
    if why is not None:
        with suppress(Exception):  # (the store failing too: the model's failure matters more)
            store.checkpoint(run_id, status="model_unavailable", error=why)
        raise ModelUnavailable(why)


def _record_constant(
    store: RunStore,
    run_id: str,
    setup: FairnessSetup,
    *,
    seen: list[float] | None = None,
    seen_class: int | None = None,
) -> None:
    """A model that gave one answer to every input asked can never be found discriminatory:
    the run then tested nothing (never a pass), and says why (``untested_reason``).  So is
    one that gave one class to every input, its probabilities varying, in a run comparing
    classes (no ``--threshold``): no input can change class with a protected value (a model
    that approves no one passed, exit 0).  ``seen`` and ``seen_class``: what an earlier
    session's search and answer saw (``_constant``, ``_one_class``; a finished run's:
    ``fairness.finish``), else what ``setup``'s model answered."""
    first = seen if seen is not None else _constant(setup)
    one = seen_class if seen_class is not None else _one_class(setup)
    if first is None and one is None:
        return
    record = store.get_run(run_id)
    summary = dict(record.summary)
    # a run its budget ended is judged the same: it would otherwise exit 0 (a false pass)
    if not summary or record.status not in ("completed", "budget_exhausted") or record.n_findings:
        return
    if first is not None:
        shown = _shown_answer(first, setup.model.capabilities)
        reason = (
            f"the model gave the same answer ({shown}) to every input its search and "
            "answer asked, "
            "so no input could be found discriminatory; check that it receives its inputs in "
            "the form it was fitted on"
        )
    else:
        assert one is not None
        from assay.fairness.technique import class_names_of

        names = class_names_of(setup.test, setup.model.capabilities)
        name = repr(names[one]) if names and 0 <= one < len(names) else f"class {one}"
        reason = (
            f"the model gave one class ({name}) to every input its search and answer asked (its "
            "probabilities varied), so no input could change class with "
            f"{', '.join(setup.test.schema.protected)}: none could be found discriminatory; "
            "compare its probabilities with --threshold 0.05 (in Python threshold=0.05) to "
            "test it"
        )
    summary["untested_reason"] = reason
    summary["warnings"] = [*summary.get("warnings", []), f"Nothing was tested: {reason}."]
    store.checkpoint(run_id, summary=summary)


def _one_class(setup: FairnessSetup) -> int | None:
    """The one class ``setup``'s model gave every input it was asked, its answers varying,
    in a run comparing classes (no threshold); None otherwise."""
    watched = setup.model
    if not isinstance(watched, EncodedModel) or setup.test.threshold is not None:
        return None
    if not watched.varied or watched.classes_varied or not watched.answered:
        return None
    return watched.first_class


def _shown_answer(first: list[float], caps: Capabilities) -> str:
    """The one answer a model gave, as the user reads its classes: ``'no'`` for a model
    answering class ``0`` of ``["no", "yes"]`` (it said ``0``, the index assay keeps, to a
    model whose labels are words), ``'denied', probabilities 0.000, 1.000`` for one
    answering probabilities; the numbers alone for a model that names no classes."""
    numbers = ", ".join(f"{v:g}" for v in first[:4]) or "?"
    names = caps.class_names
    if not names or not first:
        return numbers
    if caps.outputs == "labels" and len(first) == 1:
        index = first[0]
        whole = float(index).is_integer() and 0 <= index < len(names)
        return repr(names[int(index)]) if whole else numbers
    if caps.outputs == "proba" and len(first) == len(names):  # every class's probability
        likeliest = names[max(range(len(first)), key=first.__getitem__)]
        each = ", ".join(f"{v:.3f}" for v in first)
        return f"{likeliest!r}, probabilities {each}"
    return numbers


def _constant(setup: FairnessSetup) -> list[float] | None:
    """The one answer ``setup``'s model gave every input it was asked ([] when unknown);
    None when its answers varied, or it was asked nothing."""
    watched = setup.model
    if not isinstance(watched, EncodedModel) or watched.varied or not watched.answered:
        return None
    first = watched.first_answer
    return [] if first is None else [float(v) for v in first.tolist()[:4]]


def _record_by_position(store: RunStore, run_id: str, setup: FairnessSetup) -> None:
    """``setup_notes`` with the run: those that make its figures less trustworthy among its
    warnings (``result.warnings``), the others among its notes (``result.notes``; they say
    how the data was read as asked, and were counted as warnings), and all of them as a
    section of the reports ("How the data and the model were read").  The notes the command
    line prints before the run on its budget (``budget_notes``) are among its notes too: a
    Python caller had none of them."""
    notes = setup_notes(setup)
    warns = setup_warnings(setup)
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    fresh = [n for n in warns if n not in summary.get("warnings", [])]
    said = [*notes, *budget_notes(setup, record.config)]
    told = [n for n in said if n not in warns and n not in summary.get("notes", [])]
    if not summary or not (fresh or told):
        return
    if fresh:
        summary["warnings"] = [*summary.get("warnings", []), *fresh]
    if told:
        summary["notes"] = [*summary.get("notes", []), *told]
    if notes:
        sections = [s for s in summary.get("sections", []) if s.get("title") != READ_TITLE]
        summary["sections"] = [{"title": READ_TITLE, "text": " ".join(f"{n}." for n in notes)}]
        summary["sections"] += sections
    store.checkpoint(run_id, summary=summary)


def budget_notes(setup: FairnessSetup, config: dict[str, Any]) -> list[str]:
    """What the command line says before a run of ``config`` on its budget: the answer's
    samples cut by their query bound (``answer_cost``), and what a served model may be asked
    beside ``--max-queries`` (``billed_note``)."""
    answer = config.get("answer") or {}
    bounded = answer.get("bounded") if answer.get("enabled", True) else None
    max_queries = (config.get("budget") or {}).get("max_queries")
    checks = bool(config.get("determinism_check", True))
    billed = None if not isinstance(max_queries, int) else billed_note(setup, max_queries, checks)
    return [n for n in (bounded, billed) if isinstance(n, str) and n]


def billed_note(
    setup: FairnessSetup, max_queries: int | None, determinism_check: bool
) -> str | None:
    """Before a served model (each query a request, perhaps billed) is asked anything: what
    the run may ask beside the search's ``--max-queries``."""
    from assay.models import serving  # (looked up when called: a test stands a model in)

    if max_queries is None or serving.served_model(setup.raw_model) is None:
        return None
    (samples, inside), checks = asked_beyond_search(setup, 20_000, max_queries, determinism_check)
    said = f"up to {samples:,} queries for the answer's samples"
    if inside:  # (fairness.md: the samples' bound, then the rules' draws beside it)
        said = (
            f"up to {samples + inside:,} queries for the answer ({samples:,} for its samples "
            f"and {inside:,} drawn inside the rules it learns)"
        )
    if checks:
        said += (
            f" and up to {checks:,} for the determinism checks (--no-determinism-check skips them)"
        )
    return (
        f"--max-queries {max_queries:,} bounds the search; beside it the run may ask "
        f"the served model {said}; the headline counts every query asked"
    )


READ_TITLE = "How the data and the model were read"


def _record_wall_clock(store: RunStore, run_id: str, seconds: float) -> None:
    """Rates per wall-clock second from the run's start (a resumed run adds its earlier
    sessions), per every query asked and the seconds to the first 100 IDIs from the run's
    start (``rates.run_rates``); the search phase's own figures stay, labelled as such.
    The run's last record after its determinism section: its closing records are no longer
    missing (``checks_follow``)."""
    record = store.get_run(run_id)
    summary = finished(record.summary, "records") if record.summary else {}
    if not summary:
        return
    wall = float(summary.get("wall_seconds_before", 0.0)) + seconds
    search = summary.get("search") or {}
    idis = int(search.get("idis", 0))
    rate = idis / wall if wall > 0 else 0.0
    config = getattr(record, "config", None) or {}  # (each session's search start: kept)
    searches = (config.get("budget") or {}).get(SEARCHES)
    new_metrics = run_rates({**summary, SEARCHES: searches}, wall)  # (from the run's start)
    new_metrics["wall-clock seconds"] = round(wall, 2)
    summary["metrics"] = new_metrics
    summary["wall_seconds"] = wall
    summary["idis_per_wall_second"] = rate
    headline = str(summary.get("headline", ""))
    said = f" queries and {wall:,.1f} s (wall clock"
    if _SAID_WALL.search(headline):
        # a resumed run (killed during its retraining, say) said its first session's figure:
        # the new one replaces it (a second "and N s (wall clock)" garbled the headline)
        summary["headline"] = _SAID_WALL.sub(lambda _: said, headline, count=1)
    elif headline and " in " in headline and "wall-clock" not in headline:
        summary["headline"] = headline.replace(" queries ", f"{said}) ", 1)
    store.checkpoint(run_id, summary=summary)


_SAID_WALL = re.compile(r" queries and [\d,.]+ s \(wall clock")
_SAID_RETRAINING = re.compile(r" s \(wall clock; [\d,.]+ s with the retraining after it\) ")


def end_clock(
    store: RunStore, run_id: str, mitigation: Any, started: float, before: float
) -> float:
    """The run's wall-clock seconds through its end, retraining included (``started``: this
    session's start, ``before``: the earlier sessions' seconds), recorded beside the
    headline's when a retraining followed (``mitigation``)."""
    seconds = before + time.monotonic() - started
    if mitigation is not None:
        record_retraining_clock(store, run_id, seconds)
    return seconds


def record_retraining_clock(store: RunStore, run_id: str, seconds: float) -> None:
    """The run's wall-clock seconds through the end of its retraining (``seconds``, from its
    start, earlier sessions included): the retraining follows the figure the headline and the
    rates count (the testing's), so the headline says both; the last progress line's seconds
    (the whole run's) are the second."""
    record = store.get_run(run_id)
    summary = dict(record.summary)
    wall = summary.get("wall_seconds")
    if not summary or not isinstance(wall, int | float):
        return
    summary["wall_seconds_with_retraining"] = seconds
    summary = retraining_phase(summary, seconds)  # (its seconds among the run's phases)
    metrics = dict(summary.get("metrics") or {})
    metrics["wall-clock seconds with the retraining after the run"] = round(seconds, 2)
    summary["metrics"] = metrics
    headline = str(summary.get("headline", ""))
    said = " s (wall clock) "
    now = f" s (wall clock; {seconds:,.1f} s with the retraining after it) "
    if _SAID_RETRAINING.search(headline):
        summary["headline"] = _SAID_RETRAINING.sub(lambda _: now, headline, count=1)
    elif said in headline and "retraining" not in headline:
        summary["headline"] = headline.replace(said, now, 1)
    store.checkpoint(run_id, summary=summary)


def sent(setup: FairnessSetup) -> int:
    """The queries this process has asked of the run's model so far, every phase (0 when
    the model is not one that counts them)."""
    return int(getattr(setup.model, "sent", 0) or 0)


_ASKED = "; in all, the model was asked "


def _record_asked(store: RunStore, run_id: str, asked: dict[str, int]) -> None:
    """The queries each phase asked of the model (the search's as the engine counted them,
    the answer's and the determinism checks' as ``asked``, added to an earlier session's),
    in the summary (``model_queries``) and, when more than the search asked, the headline:
    ``--max-queries`` bounds the search, and a billed endpoint's owner must see the rest."""
    record = store.get_run(run_id)
    summary = dict(record.summary)
    if not summary:
        return
    earlier = summary.get("model_queries") or {}
    # the engine's count (the headline's): the search's, and the estimate phase's after it
    engine = int(record.progress.get("queries", 0) or 0)
    search = int((summary.get("search") or {}).get("queries", engine) or 0)
    counts = {"search": min(search, engine) if engine else search}
    # the group metrics' queries (--label) are the engine's too: before, they were said to
    # be the estimate's ("590 by the estimate" of a run that made none)
    group = min(int(summary.get("group_queries") or 0), max(engine - counts["search"], 0))
    counts["estimate"] = max(engine - counts["search"] - group, 0)
    counts["group"] = group
    for phase in ("answer", "checks"):
        counts[phase] = int(earlier.get(phase, 0) or 0) + int(asked.get(phase, 0))
    counts["total"] = sum(counts.values())
    summary["model_queries"] = counts
    metrics = dict(summary.get("metrics") or {})
    metrics["queries asked of the model in all (every phase)"] = counts["total"]
    summary["metrics"] = metrics
    headline = str(summary.get("headline") or "").split(_ASKED)[0]
    if headline and counts["total"] > counts["search"]:
        parts = [f"{counts['search']:,} by the search"]
        if counts["group"]:
            rows = _group_rows(summary, counts)
            parts.append(f"{counts['group']:,} by the group metrics ({rows})")
        if counts["estimate"]:
            parts.append(f"{counts['estimate']:,} by the estimate")
        engine_count = counts["search"] + counts["group"] + counts["estimate"]
        if len(parts) > 1 and f" in {engine_count:,} queries" in headline:
            # the headline's "found ... in N queries" is the engine's count: these three
            # (its search's alone read "900 by the search" beside "found in 1,800 queries")
            parts = [f"the {engine_count:,} above ({', '.join(parts)})"]
        if counts["answer"]:
            what = _answer_parts(summary, counts)
            if answer_unmeasured(summary):  # (as the reason above says: no share measured)
                what += "; spent without a share measured: --max-time ran out during it"
            parts.append(f"{counts['answer']:,} by the answer ({what})")
        if counts["checks"]:
            cut = checks_unmeasured(summary)
            parts.append(
                f"{counts['checks']:,} by the determinism checks" + (f" ({cut})" if cut else "")
            )
        headline = f"{headline}{_ASKED}{counts['total']:,} queries: {', '.join(parts)}"
    summary["headline"] = headline
    store.checkpoint(run_id, summary=summary)


def _group_rows(summary: dict[str, Any], counts: dict[str, int]) -> str:
    """What the group metrics' queries were: one a labelled row, said with the rows when
    they differ (a row asked before, or repeated, is answered from the cache: 1,884 queries
    for 2,000 rows read "one a labelled row"), or that the budget cut them (no figures)."""
    rows = (summary.get("group") or {}).get("rows")
    cut = str((summary.get("stopped_early") or {}).get("context") or "")
    if summary.get("group") is None and "ran out" in cut:
        return "labelled rows asked before the budget cut them: no group metrics"
    if isinstance(rows, int) and rows != counts["group"]:
        return f"for {rows:,} labelled rows: a row asked before, or repeated, is asked once"
    return "one a labelled row"


def _answer_parts(summary: dict[str, Any], counts: dict[str, int]) -> str:
    """What the answer's queries were: its samples' variants, and the enumeration of a small
    domain (every input asked with every value: ``exact[].queries``) when there was one."""
    every = summary.get("exact") or []
    enumerated = sum(int(e.get("queries") or 0) for e in every if isinstance(e, dict))
    enumerated = min(enumerated, counts["answer"])
    if not enumerated:
        return "its samples' variants"
    return (
        f"{enumerated:,} enumerating the domain, {counts['answer'] - enumerated:,} its "
        "samples' variants"
    )


def bound_answer(
    setup: FairnessSetup, options: Any, max_queries: int | None, max_time: float | None
) -> None:
    """Bound the answer by the run's budget (in place): its own sample costs at most about the
    search's query budget, and its exact analysis at most ``ANSWER_SHARE`` of ``--max-time``
    (the sampled answer as much again).  Applied before the options are stored, so that a
    resumed run answers as the first one would have."""
    if max_queries is not None:
        options.samples, note = answer_rows(
            setup.test.schema, setup.test.data is not None, options.samples, max_queries
        )
        # (a resumed run's stored samples are already cut: its stored note stands)
        options.bounded = note or getattr(options, "bounded", None)
    if max_time is not None:
        options.exact_time = min(options.exact_time, ANSWER_SHARE * max_time)


def _answer_samples(setup: FairnessSetup, samples: int, max_queries: int) -> int:
    """The answer's samples per source under a query budget (``answer_cost.answer_rows``):
    about the search's budget in all, never fewer than 500 (an interval worth reading) while
    those cost at most ``max(max_queries, 20,000)``, never more than ``samples``."""
    return answer_rows(setup.test.schema, setup.test.data is not None, samples, max_queries)[0]


def asked_beyond_search(
    setup: FairnessSetup, samples: int, max_queries: int, determinism_check: bool
) -> tuple[tuple[int, int], int]:
    """The most queries the answer (its samples, ``samples`` per source bounded as
    ``bound_answer`` bounds them, and the inputs drawn inside the rules it learns: the two
    apart) and the determinism checks may ask beside a search of ``max_queries``: said
    before a served model is asked anything."""
    schema = setup.test.schema
    k = sum(int(schema.feature(p).n_values or 1) for p in schema.protected)
    sources = 2 if setup.test.data is not None else 1
    per = _answer_samples(setup, samples, max_queries)
    checks = 0
    if determinism_check:
        flips, confirmed = check_sizes(max_queries, _combinations(setup))
        checks = FLIP_ROUNDS * flips + REPEATS * _combinations(setup) * confirmed
    # and the inputs drawn inside each rule learned, to measure its share
    return (per * k * sources, RULES_PER_ATTRIBUTE * inside_sample(per) * k), checks


def answer_time(max_time: float | None, left: float | None = None) -> float | None:
    """The seconds the answer may take in a run bounded by ``max_time`` (None: unbounded):
    its share of ``max_time``, and at most ``ANSWER_OF_LEFT`` of the time ``left`` when it
    starts (loading on a busy machine may have taken most of it: the search keeps its
    share)."""
    if max_time is None:
        return None
    share = 2 * ANSWER_SHARE * max_time
    return share if left is None else max(min(share, ANSWER_OF_LEFT * left), 0.0)


def answers_after_search(options: Any, store: RunStore, run_id: str) -> bool:
    """Whether the answer is computed once the search has ended (see ``_answer``)."""
    return bool(options.enabled) and store.get_run(run_id).status not in ("failed", "interrupted")


def _answer(
    setup: FairnessSetup,
    options: Any,
    store: RunStore,
    run_id: str,
    seed: int,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    time_left: float | None = None,
) -> dict[str, Any] | None:
    """The verdict, direction, regions and exact figures, added to the stored summary.  Its
    model calls have deadlines (``call_timeout``; ``time_left`` of the run in all): when the
    time is spent, the answer is left out and the summary says why.  A run interrupted in
    its search (Ctrl-C, SIGTERM) is not kept waiting for it: its answer (20,000 samples and
    their variants, an exact analysis) took seconds to minutes after the signal, where a
    CI job's timeout allows a few; ``assay resume RUN`` computes it."""
    if not answers_after_search(options, store, run_id):
        return None
    return _add_answer(
        store, run_id, _compute_answer(setup, options, seed, call_timeout, time_left)
    )


def answer_follows(setup: FairnessSetup, options: Any) -> None:
    """Before the search: whether its last summary (stored with its ended status) is to say
    that the run's answer is missing, until the answer is added (``add_answer``).  A run
    killed (kill -9, no handler runs) while computing its answer then says so, as an
    interrupted one does (``core.interrupted``), where it once read as a finished run's
    (with nothing found: a pass, exit 0, though no share was measured)."""
    setup.test.answer_follows = bool(options.enabled)


def checks_follow(setup: FairnessSetup, retrain: bool) -> None:
    """Before the search: its last summary (stored with its ended status) is to say that the
    determinism section (``_record_determinism``, after the answer) and the retraining
    (``retrain``: ``--retrain``) are missing until they are added (``core.unfinished``), and
    the records after the section: a run killed before then is never read as finished."""
    # its closing records too (``records``: the queries by phase, the judgement of a model
    # that gave one answer to all, the notes on how the data was read, the wall clock, taken
    # away by ``_record_wall_clock``, the last): a constant model killed between its
    # determinism section and them read "tested, nothing found" (exit 0, a false pass)
    closing = ("determinism", "records")
    setup.test.after_search = (*closing, "retrain") if retrain else closing


def keep_estimate_samples(
    setup: FairnessSetup, options: Any, max_time: float | None, execution: Any = None
) -> None:
    """Before the search: the answer reuses the estimate's first inputs rather than paying
    for them again (when it runs after the search: with --max-time it comes first and draws
    its own).  A resumed run keeps them too (its estimate's inputs drawn after the resume),
    where its answer once drew them all afresh: other figures than the run not resumed.
    A run split into units (``execution``) draws its own: its units' estimates are made
    where they run (a Dask worker's never reached this process, so the answer, the
    verdict a gate reads, depended on the executor: 2.18 % against 2.14 %, the favoured
    value flipped, same seed and units)."""
    if isinstance(execution, dict) and execution.get("units"):
        return
    if options.enabled and setup.test.estimate and max_time is None:
        from assay.fairness.kept import KeptSamples

        setup.test.kept = KeptSamples(options.samples)


def no_answer_follows(
    store: RunStore, run_id: str, options: Any, *, answered_first: bool = False
) -> None:
    """After the search: a run that stopped (interrupted, failed) gets no answer now (but
    the one computed before its search, ``answered_first``, unless it failed); its summary
    does not say one is missing (a resume computes it)."""
    record = store.get_run(run_id)
    if answers_after_search(options, store, run_id) or (
        answered_first and record.status != "failed"
    ):
        return
    summary = record.summary
    if answer_said_missing(summary.get("incomplete_reason")):
        store.checkpoint(
            run_id,
            summary=restated({k: v for k, v in summary.items() if k != "incomplete_reason"}),
        )


def _compute_answer(
    setup: FairnessSetup,
    options: Any,
    seed: int,
    call_timeout: float | None,
    time_left: float | None,
) -> dict[str, Any] | None:
    """The answer (not stored), or None when its deadline ran out (or had, ``time_left``
    <= 0: nothing is asked past it)."""
    from assay.fairness.answer import compute_answer

    if time_left is not None and time_left <= 0:
        return None
    arrays: Any = None
    started = time.monotonic()
    if options.exact is not False:
        from assay.models.trees import read_trees

        # reading the trees (converting an in-memory booster to ONNX) is part of the exact
        # analysis's time
        arrays = read_trees(
            setup.raw_model,
            deadline=started + options.exact_time,
            # a conversion's trees are not read for a run testing missing values
            convert=not setup.test.schema.may_be_missing,
        )
    try:
        # the samples end a little before the answer's time does (a last batch and the
        # regions still to come), so that a slow model gets wider intervals, not no answer
        deadline = None if time_left is None else time.monotonic() + 0.8 * time_left
        before = sent(setup)
        with _deadlined(setup.model, call_timeout, time_left, heed=True) as model:
            result = compute_answer(
                replace(setup, model=model),
                options,
                arrays,
                seed=seed,
                deadline=deadline,
                started=started,
            )
    except BudgetExhausted:
        return None
    # every query it asked, kept with it: a run stopped before they were counted with the
    # other phases' (``_record_asked``) is finished with them (``fairness.finish``)
    analysis = {**(result.get("analysis") or {}), "asked": sent(setup) - before}
    constant = _constant(setup)  # (the search's and its answers: kept for a finish)
    if constant is not None:
        analysis["constant_answer"] = constant
    if (one := _one_class(setup)) is not None:
        analysis["constant_class"] = one
    return {**result, "analysis": analysis}


def _add_answer(
    store: RunStore, run_id: str, result: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Add a computed answer to the stored summary (or, None: say it was left out)."""
    from assay.fairness.answer import add_answer

    if result is not None:
        add_answer(store, run_id, result)
        return result
    summary = dict(store.get_run(run_id).summary)
    if summary:
        warnings = list(summary.get("warnings", []))
        warnings.append("the answer (verdict, direction, regions) was left out: --max-time ran out")
        summary["warnings"] = warnings
        # no share was measured: with nothing found, that is not a pass (nor is a rule on
        # the share, which nothing judged); what was found still fails the run
        summary["incomplete_reason"] = (
            "the answer (the share of discriminatory inputs per protected attribute, and its "
            "verdict) was not computed within --max-time; the search's findings stand, but "
            "no share was measured: give the run more time"
        )
        store.checkpoint(run_id, summary=summary)
    return None


def _execute_units(setup: FairnessSetup, execution: dict[str, Any], **kwargs: Any) -> RunOutcome:
    from assay.execution.campaign import execute_campaign
    from assay.fairness.units import search_per_wall_clock

    caps = setup.model.capabilities

    def merge(summaries: list[dict[str, Any]], batches: list[Any]) -> dict[str, Any]:
        return setup.test.merge_summaries(summaries, batches, caps)  # (its classes named)

    outcome = execute_campaign(setup.test, setup.model, execution, merge=merge, **kwargs)
    if search_per_wall_clock(outcome.summary):  # (the rate of units side by side)
        kwargs["store"].checkpoint(outcome.run_id, summary=outcome.summary)
    return outcome
