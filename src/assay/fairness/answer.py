"""The fairness answer as run after a search: exact analysis when the model's trees can be read,
then the sampled verdict, direction and regions (``fairness.verdict``), stored in the run summary.

``fairness.phases`` reads the model's trees (``assay.models.trees``) and hands them here.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.core.answer_missing import answer_said_missing
from assay.core.model import labels_of
from assay.core.rng import generator
from assay.core.store import RunStore
from assay.core.unfinished import restated
from assay.errors import UsageError
from assay.fairness.determinism import steady
from assay.fairness.exact import ExactResult, TreeModel, analyse, compose_read
from assay.fairness.exact.checked import checked
from assay.fairness.exact.enumerated import MAX_ENUMERATED, MAX_THROUGH_TREES, enumerate_share
from assay.fairness.exact.timecut import NO_TIME_LEFT, cut_by_time
from assay.fairness.exact_beside import relate_estimates
from assay.fairness.exact_found import READINGS, Readings, check_found, withdraw
from assay.fairness.notes import shown_values, unheld_categories
from assay.fairness.verdict import FailRule, answer, favourable_class, parse_fail_on

__all__ = [
    "AnswerOptions",
    "add_answer",
    "check_favourable",
    "compute_answer",
    "exact_analysis",
    "store_answer",
]

_ANSWER_STREAM = 0xA5
UNSTEADY = (
    "the model answered a repeated input otherwise (the determinism check), so every input "
    "of the domain asked once would be one draw of its answers, not exact figures"
)
UNSTEADY_BATCH = (
    "the model's answers depend on the batch they are asked in (the determinism check: inputs "
    "answered otherwise in other batches, alike when their own batch was asked again), so "
    "every input of the domain asked once would be one draw of its answers, not exact figures"
)

AUTO_GIVE_UP = 0.2
"""An automatic exact analysis (not asked for, and no --exact-time given) that has decided no
part of the domain after this share of its time gives up (bounds 0-100 %, said so) instead of
spending the rest."""


class AnswerOptions:
    """What the user asked of the answer: ``exact`` True (asked), False (off) or None (auto);
    ``time_given``: ``exact_time`` was the user's (--exact-time), so an automatic analysis
    spends it rather than giving up early (``AUTO_GIVE_UP``)."""

    def __init__(
        self,
        *,
        exact: bool | None = None,
        exact_time: float = 60.0,
        exact_tolerance: float = 0.0,
        favourable: str | None = None,
        fail_on: FailRule | None = None,
        samples: int = 20_000,
        enabled: bool = True,
        time_given: bool = False,
        bounded: str | None = None,
    ) -> None:
        if not 0 < exact_time < math.inf:  # NaN too
            raise UsageError(f"must be > 0 seconds, not {exact_time:g}", argument="--exact-time")
        if exact is False and time_given:
            raise UsageError(
                "is the exact analysis' time, but --no-exact turns the analysis off: give "
                "one of them",
                argument="--exact-time",
            )
        if samples < 100:
            raise UsageError(f"must be at least 100, not {samples}", argument="--answer-samples")
        self.exact = exact
        self.exact_time = exact_time
        self.exact_tolerance = exact_tolerance
        self.favourable = favourable
        self.fail_on = fail_on
        self.samples = samples
        self.enabled = enabled
        self.time_given = time_given
        # why the samples are fewer than 500 a source (``answer_cost``: many protected
        # values under a small query budget), said beside the answer
        self.bounded = bounded
        # the run's flip check: False once it saw the model answer a repeated input
        # otherwise (its answers, each asked once, are then not enumerated as exact
        # figures), None when it was not made (said beside an enumeration's figures)
        self.model_steady: bool | None = True
        self.unsteady = UNSTEADY  # (why not, said beside the answer: ``read_check``)

    def read_check(self, check: dict[str, Any] | None) -> None:
        """The run's flip check read (``determinism.steady``): a model whose answers changed
        only in another batch is said to depend on its batch, not to answer a repeated input
        otherwise (left40)."""
        self.model_steady = steady(check)
        batch_bound = isinstance(check, dict) and check.get("deterministic") is True
        self.unsteady = UNSTEADY_BATCH if batch_bound else UNSTEADY

    def to_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "exact_time": self.exact_time,
            "exact_tolerance": self.exact_tolerance,
            "favourable": self.favourable,
            "fail_on": str(self.fail_on) if self.fail_on is not None else None,
            "samples": self.samples,
            "enabled": self.enabled,
            "time_given": self.time_given,
            "bounded": self.bounded,
        }


MISSING_CONVERTED = (
    "the run tests missing values (--missing value), and the trees were read from a "
    "conversion of the model (another program's rewriting of it), whose handling of a "
    "missing value is not known to be the model's: the trees are not read"
)


def exact_analysis(
    setup: Any, options: AnswerOptions, arrays: Any, *, started: float | None = None
) -> dict[str, ExactResult | str]:
    """Per protected attribute: the exact analysis, or why it is not available.

    ``arrays``: the model's trees as read (``assay.models.trees.Ensemble``) or why not.  A
    model whose trees cannot be read (any model: a network, an endpoint) is still answered
    exactly when the domain is small enough to ask every input of it
    (``exact.enumerated``).  ``started``: when the exact analysis's time (``exact_time``)
    began, before the trees were read (an in-memory booster's conversion counts).
    """
    schema = setup.test.schema
    if options.exact is False:
        return {}
    if setup.test.threshold is not None:
        reason = "exact analysis compares classes; a probability threshold is sampled"
        return dict.fromkeys(schema.protected, reason)
    t_read = time.monotonic() if started is None else started
    if schema.may_be_missing and getattr(arrays, "conversion", ""):
        arrays = MISSING_CONVERTED
    model = arrays if isinstance(arrays, str) else compose_read(schema, arrays, setup.test.data)
    if not isinstance(model, str):
        # the arrays must answer as the model does: check on a few inputs before trusting them
        model = checked(schema, model, arrays, _classes(setup), setup.test.data)
    model, left = _time_left(model, arrays, options.exact_time, time.monotonic() - t_read)
    results: dict[str, ExactResult | str] = {}
    per = left / max(1, len(schema.protected))
    for attribute in schema.protected:
        if isinstance(model, str) and options.model_steady is False:
            if options.exact or not isinstance(arrays, str):
                results[attribute] = f"{model}; {options.unsteady}: sampling instead"
            continue
        if isinstance(model, str):
            k = int(schema.feature(attribute).n_values or 1)
            counted = enumerate_share(
                schema,
                _classes(setup),
                attribute,
                data=setup.test.data,
                deadline=time.monotonic() + per,
                source=f"every input of the domain asked of the model ({model})",
                # asked for: up to MAX_ENUMERATED queries; automatic: no more than the
                # sampled answer asks for the attribute (a served model's queries cost)
                max_queries=MAX_ENUMERATED if options.exact else options.samples * k,
                checked=options.model_steady is not None,
            )
            if not isinstance(counted, str):
                results[attribute] = counted
            elif options.exact or not isinstance(arrays, str):
                results[attribute] = f"{model}; {counted}: sampling instead"
            continue
        t0 = time.monotonic()
        analysed: ExactResult | str = "not tried"
        if len(model.trees) > 1:
            # an ensemble on a small domain: every input classed through the trees (their own
            # arithmetic, no query) is exact at once, where refining boxes may only bound it
            analysed = enumerate_share(
                schema,
                model.predict_encoded,
                attribute,
                data=setup.test.data,
                deadline=t0 + per / 2,
                source=f"{model.source} (every input of the domain through its trees)",
                max_queries=MAX_THROUGH_TREES,
                trees=True,
            )
        if isinstance(analysed, str):
            analysed = analyse(
                schema,
                model,
                attribute,
                data=setup.test.data,
                time_budget=max(per - (time.monotonic() - t0), 0.1 * per),
                tolerance=options.exact_tolerance,
                # not asked for (automatic, no --exact-time): trees too large to refine
                # give up early
                give_up=None if options.exact or options.time_given else AUTO_GIVE_UP,
                direction=True,  # who is favoured, counted over the boxes decided
            )
        if isinstance(analysed, ExactResult):  # (the answer's samples check the trees)
            analysed.classes_of = model.predict_encoded
        results[attribute] = analysed
    return results


def _time_left(
    model: TreeModel | str, arrays: Any, budget: float, spent: float
) -> tuple[TreeModel | str, float]:
    """The trees (or why not) and the seconds left of ``budget`` (--exact-time) once reading
    them (an in-memory booster's conversion to ONNX) and checking them (``spent``) are
    counted.  After a conversion the source says how long that took; when it took the time,
    the trees are not analysed (the figures are the model's own within what is left)."""
    left = max(budget - spent, 0.0)
    if isinstance(model, str) or not getattr(arrays, "read_seconds", 0.0):
        return model, left
    said = f"converted and checked in {spent:.1f} s of the {budget:g} s for the exact analysis"
    if left <= 0.05 * budget:
        return f"{model.source}, {said}: {NO_TIME_LEFT} to analyse its trees", left
    return dataclasses.replace(model, source=f"{model.source}; {said}"), left


def _classes(setup: Any) -> Callable[[np.ndarray], np.ndarray]:
    """The model's predicted class for encoded rows."""

    def classes(rows: np.ndarray) -> np.ndarray:
        return labels_of(np.asarray(setup.model.predict(rows)), setup.model.capabilities)

    return classes


def store_answer(
    setup: Any, options: AnswerOptions, arrays: Any, *, store: RunStore, run_id: str, seed: int
) -> dict[str, Any] | None:
    """Compute the answer and add it to the stored run's summary; return it."""
    if not options.enabled:
        return None
    result = compute_answer(setup, options, arrays, seed=seed)
    add_answer(store, run_id, result)
    return result


def compute_answer(
    setup: Any,
    options: AnswerOptions,
    arrays: Any,
    *,
    seed: int,
    deadline: float | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """The answer (exact figures, verdict, direction, regions), not stored: it does not
    depend on the search, so a run with a time budget computes it first (its cost is then
    measured, not guessed) and adds it to the summary once the search is over.
    ``deadline``: its samples are cut to end by then (``verdict.answer``); ``started``: when
    the exact analysis's time began (``exact_analysis``)."""
    exact = exact_analysis(setup, options, arrays, started=started)
    timed = cut_by_time(exact)
    result = answer(
        setup.test.schema,
        setup.model,
        generator(seed, _ANSWER_STREAM),
        data=setup.test.data,
        samples=options.samples,
        threshold=setup.test.threshold,
        favourable=options.favourable,
        class_names=_class_names(setup),
        fail_on=options.fail_on,
        exact=exact,
        kept=getattr(setup.test, "kept", None),
        deadline=deadline,
    )
    _scope_to_held(result, unheld_categories(setup) if hasattr(setup, "user_dtypes") else {})
    read = {a: e.classes_of for a, e in exact.items() if isinstance(e, ExactResult)}
    if any(f is not None for f in read.values()):  # (the search's findings check them)
        caps = setup.model.capabilities
        result[READINGS] = Readings(
            {a: f for a, f in read.items() if f is not None}, lambda out: labels_of(out, caps)
        )
    incomplete = getattr(setup, "incomplete", None)
    if incomplete is not None and setup.test.data is not None:  # (--missing drop)
        for v in result.get("verdict") or []:
            v["data_rows"], v["rows_set_aside"] = len(setup.test.data), int(incomplete.rows)
    if options.bounded:  # (many protected values under a small query budget)
        result["analysis"] = {**(result.get("analysis") or {}), "samples_bound": options.bounded}
    if timed:  # (a rerun's exact figures may differ: said beside its command)
        result["analysis"] = {**(result.get("analysis") or {}), "exact_cut_by_time": timed}
    cut = (result.get("analysis") or {}).get("cut_by_time") or []
    warnings = list(result.pop("warnings", None) or [])
    if cut:
        warnings.append(
            "the answer's samples were cut by the time for the answer (the model's pace): "
            + "; ".join(cut)
            + ": their intervals are wider, and a run with more time samples more"
        )
    if warnings:
        result["warnings"] = warnings
    return result


def _scope_to_held(result: dict[str, Any], unheld: dict[str, list[str]]) -> None:
    """No certificate for a protected attribute whose dtype lists values no data row holds:
    the search and the analysis vary the values the data holds, so "no input changes
    outcome with sex" was certified between 'F' and 'M' while the model gave every 'X'
    (a category it was fitted on) the other class; the run passed, "certified zero", and
    its note said the model may not read sex at all.  The figures stand, said of the
    values held; what was not tested is said beside them."""
    for v in result.get("verdict") or []:
        values = unheld.get(str(v.get("attribute")))
        if not values:
            continue
        why = (
            f"{v['attribute']}: {shown_values(values)}, among the column's categories but held "
            "by no data row, was never tested: the figures are of the values the data holds"
        )
        if v.get("certificate"):
            v["certificate"] = None
            v["level"] = "pass" if v.get("fails") is False else "none found"
            why += ", and no certificate is given"
        if isinstance(v.get("unmoved"), str):
            a, said = v["attribute"], v["unmoved"]
            v["unmoved"] = said.replace(
                f"did not change with {a}", f"did not change with {a} between the values held"
            )
            notes = result.get("notes") or []
            result["notes"] = [v["unmoved"] if n == said else n for n in notes]
        v["untested"] = why  # (said under the answer's lines)
        result.setdefault("notes", []).append(why)
    for e in result.get("exact") or []:
        if unheld.get(str(e.get("attribute"))) and e.get("certificate"):
            e["certificate"] = None


def add_answer(store: RunStore, run_id: str, result: dict[str, Any]) -> None:
    """Add a computed answer to the stored run's summary."""
    summary = dict(store.get_run(run_id).summary or {})
    if answer_said_missing(summary.get("incomplete_reason")):  # (``phases.answer_follows``)
        del summary["incomplete_reason"]
        summary = restated(summary)  # what still follows the answer says so
    summary.update({k: v for k, v in result.items() if k not in ("warnings", "notes", READINGS)})
    for kind in ("warnings", "notes"):  # (notes: what is no warning, ``verdict._unmoved``)
        fresh = [w for w in result.get(kind) or [] if w not in (summary.get(kind) or [])]
        if fresh:
            summary[kind] = [*(summary.get(kind) or []), *fresh]
    readings = result.get(READINGS)
    check_found(
        summary,
        store.iter_batches(run_id),
        readings if isinstance(readings, Readings) else None,
        _stored_rule(store, run_id),
    )
    _contradicted_certificates(summary)
    # what the answer judged: its samples, and the models it analysed exactly
    summary["answer_tested"] = sum(
        int(v.get("uniform_sampled") or 0)
        + int(v.get("data_sampled") or 0)
        + (v.get("basis") in ("exact", "bounded"))
        for v in summary.get("verdict") or []
        if isinstance(v, dict)
    )
    # the queries the answer asked (its samples, any enumeration) are counted with every
    # other phase's once the run's phases are over (``phases._record_asked``)
    analysis = summary.get("analysis") or {}
    wanted, taken = analysis.get("samples_asked"), analysis.get("samples")
    if isinstance(wanted, int) and isinstance(taken, int) and taken < wanted:
        summary["headline"] = (
            f"{summary.get('headline') or ''}; the answer's samples were capped at {taken:,} "
            f"rows per attribute (not {wanted:,}: rows of this many features would not fit "
            "in memory), so its intervals are wider"
        )
    bound = analysis.get("samples_bound")
    if isinstance(bound, str) and bound not in str(summary.get("headline") or ""):
        summary["headline"] = f"{summary.get('headline') or ''}; {bound}"
    said = _found_by_answer_only(summary, store.get_run(run_id).n_findings)
    if said and said not in str(summary.get("headline") or ""):
        summary["headline"] = f"{summary.get('headline') or ''}; {said}"
    skipped = analysis.get("regions_skipped")
    if isinstance(skipped, str) and skipped not in str(summary.get("headline") or ""):
        summary["headline"] = f"{summary.get('headline') or ''}; {skipped}"
    relate_estimates(summary)  # (a sample's interval beside the exact share: left47f)
    store.checkpoint(run_id, summary=summary)
    store.drop_state(run_id)  # (the estimate's inputs it kept for the answer)


def _found_by_answer_only(summary: dict[str, Any], n_findings: int) -> str | None:
    """What the answer found where the search stored nothing ("no discriminatory input found
    for sex ..." headed a run whose data rows were 55 % discriminatory): said in the
    headline, which the reports and ``assay show`` lead with."""
    from assay.core.display import data_rows, percent

    if n_findings:
        return None
    found = [
        f"{v.get('attribute')} ({percent(v.get('share_uniform') or 0)} of the input space"
        + (
            f", {percent(v['share_data'])} of {data_rows(v)})"
            if v.get("share_data") is not None
            else ")"
        )
        for v in summary.get("verdict") or []
        if isinstance(v, dict) and v.get("level") == "found"
    ]
    if not found:
        return None
    return f"but the answer found discriminatory inputs the search did not: {', '.join(found)}"


def _contradicted_certificates(summary: dict[str, Any]) -> None:
    """A certificate of zero for an attribute whose IDI the search found (a variant of that
    attribute alone answered otherwise, as the model confirmed) is withdrawn, loudly: the
    trees the analysis read do not answer as the model does there, so none of its exact
    figures for that attribute is trusted."""
    found: dict[str, dict[str, Any]] = {}
    for example in summary.get("examples") or []:
        if not isinstance(example, dict):
            continue
        for variant in example.get("variants") or []:
            changed = list((variant.get("protected") or {}).keys())
            if variant.get("differs") and len(changed) == 1:
                found.setdefault(changed[0], example)
    for v in summary.get("verdict") or []:
        attribute = v.get("attribute")
        if not (v.get("certificate") and attribute in found):
            continue
        witness = found[attribute].get("input")
        withdraw(
            summary,
            str(attribute),
            f"the exact analysis certified that no input changes outcome with {attribute}, "
            f"but the search found one the model confirms ({witness}): the trees it read do "
            "not answer as the model does there; its certificate is withdrawn and its exact "
            "figures are not to be trusted",
        )


def _stored_rule(store: RunStore, run_id: str) -> FailRule | None:
    """The run's --fail-on rule as its first session stored it (None: none)."""
    stored = store.get_run(run_id).config.get("answer")
    rule = parse_fail_on(stored.get("fail_on"), stored=True) if isinstance(stored, dict) else None
    return rule if isinstance(rule, FailRule) else None


def check_favourable(setup: Any, options: AnswerOptions) -> None:
    """Refuse a ``--favourable`` that is not one of the model's classes once the model is
    loaded, before a run is created (the answer reads it only after the search), and give
    it to the group metrics (``--label``), whose rates are of the favourable class: a
    resumed run calls this with its stored options, and measures them as the first did.
    Checked with the answer off too: the group metrics read it."""
    if options.favourable is not None:
        favourable_class(
            _class_names(setup), setup.model.capabilities.n_classes, options.favourable
        )
    setup.test.favourable = options.favourable


def _class_names(setup: Any) -> tuple[str, ...] | None:
    """The model's class names, or the data's label names for a model with 0/1 classes."""
    from assay.fairness.technique import class_names_of

    return class_names_of(setup.test, setup.model.capabilities)
