"""The fairness answer as run after a search: exact analysis when the model's trees can be read,
then the sampled verdict, direction and regions (``fairness.verdict``), stored in the run summary.

``fairness.phases`` reads the model's trees (``assay.models.trees``) and hands them here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from assay.core.rng import generator
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.fairness.exact import ExactResult, analyse, compose_read
from assay.fairness.verdict import FailRule, answer

__all__ = ["AnswerOptions", "add_answer", "compute_answer", "exact_analysis", "store_answer"]

_ANSWER_STREAM = 0xA5
AUTO_GIVE_UP = 0.2
"""An automatic exact analysis (not asked for) that has decided no part of the domain after
this share of its time gives up (bounds 0-100 %, said so) instead of spending the rest."""


class AnswerOptions:
    """What the user asked of the answer: ``exact`` True (asked), False (off) or None (auto)."""

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
    ) -> None:
        if not 0 < exact_time < math.inf:  # NaN too
            raise UsageError(f"must be > 0 seconds, not {exact_time:g}", argument="--exact-time")
        if samples < 100:
            raise UsageError(f"must be at least 100, not {samples}", argument="--answer-samples")
        self.exact = exact
        self.exact_time = exact_time
        self.exact_tolerance = exact_tolerance
        self.favourable = favourable
        self.fail_on = fail_on
        self.samples = samples
        self.enabled = enabled

    def to_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "exact_time": self.exact_time,
            "exact_tolerance": self.exact_tolerance,
            "favourable": self.favourable,
            "fail_on": str(self.fail_on) if self.fail_on is not None else None,
            "samples": self.samples,
            "enabled": self.enabled,
        }


def exact_analysis(setup: Any, options: AnswerOptions, arrays: Any) -> dict[str, ExactResult | str]:
    """Per protected attribute: the exact analysis, or why it is not available.

    ``arrays``: the model's trees as read (``assay.models.trees.Ensemble``) or why not.
    """
    schema = setup.test.schema
    if options.exact is False:
        return {}
    if setup.test.threshold is not None:
        reason = "exact analysis compares classes; a probability threshold is sampled"
        return dict.fromkeys(schema.protected, reason)
    if isinstance(arrays, str):
        return dict.fromkeys(schema.protected, arrays) if options.exact else {}
    model = compose_read(schema, arrays)
    if isinstance(model, str):
        return dict.fromkeys(schema.protected, model)
    # the arrays must answer as the model does: check on a few inputs before trusting them
    rows = schema.sample_uniform(np.random.default_rng(0), 256)
    mine = model.predict_encoded(rows)
    from assay.core.model import labels_of

    theirs = labels_of(np.asarray(setup.model.predict(rows)), setup.model.capabilities)
    if not np.array_equal(mine, theirs):
        reason = (
            f"the trees read from the model disagree with its answers on "
            f"{int((mine != theirs).sum())} of 256 inputs; sampling instead"
        )
        return dict.fromkeys(schema.protected, reason)
    results: dict[str, ExactResult | str] = {}
    per = options.exact_time / max(1, len(schema.protected))
    for attribute in schema.protected:
        results[attribute] = analyse(
            schema,
            model,
            attribute,
            data=setup.test.data,
            time_budget=per,
            tolerance=options.exact_tolerance,
            # not asked for (automatic): trees too large to refine give up early
            give_up=None if options.exact else AUTO_GIVE_UP,
        )
    return results


def store_answer(
    setup: Any, options: AnswerOptions, arrays: Any, *, store: RunStore, run_id: str, seed: int
) -> dict[str, Any] | None:
    """Compute the answer and add it to the stored run's summary; return it."""
    if not options.enabled:
        return None
    result = compute_answer(setup, options, arrays, seed=seed)
    add_answer(store, run_id, result)
    return result


def compute_answer(setup: Any, options: AnswerOptions, arrays: Any, *, seed: int) -> dict[str, Any]:
    """The answer (exact figures, verdict, direction, regions), not stored: it does not
    depend on the search, so a run with a time budget computes it first (its cost is then
    measured, not guessed) and adds it to the summary once the search is over."""
    exact = exact_analysis(setup, options, arrays)
    return answer(
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
    )


def add_answer(store: RunStore, run_id: str, result: dict[str, Any]) -> None:
    """Add a computed answer to the stored run's summary."""
    summary = dict(store.get_run(run_id).summary or {})
    summary.update(result)
    # what the answer judged: its samples, and the models it analysed exactly
    summary["answer_tested"] = sum(
        int(v.get("uniform_sampled") or 0)
        + int(v.get("data_sampled") or 0)
        + (v.get("basis") in ("exact", "bounded"))
        for v in summary.get("verdict") or []
        if isinstance(v, dict)
    )
    # the answer's samples are asked of the model too, beside the search's queries (with a
    # tiny --max-queries, far more than the search's): the headline says so
    sampled = sum(
        int(v.get("uniform_sampled") or 0) + int(v.get("data_sampled") or 0)
        for v in summary.get("verdict") or []
        if isinstance(v, dict)
    )
    headline = str(summary.get("headline") or "")
    if sampled and headline and "the answer sampled" not in headline:
        summary["headline"] = (
            f"{headline}; the answer sampled {sampled:,} inputs more, beside the search's queries"
        )
    analysis = summary.get("analysis") or {}
    asked, taken = analysis.get("samples_asked"), analysis.get("samples")
    if isinstance(asked, int) and isinstance(taken, int) and taken < asked:
        summary["headline"] = (
            f"{summary.get('headline') or ''}; the answer's samples were capped at {taken:,} "
            f"rows per attribute (not {asked:,}: rows of this many features would not fit "
            "in memory), so its intervals are wider"
        )
    skipped = analysis.get("regions_skipped")
    if isinstance(skipped, str) and skipped not in str(summary.get("headline") or ""):
        summary["headline"] = f"{summary.get('headline') or ''}; {skipped}"
    store.checkpoint(run_id, summary=summary)


def _class_names(setup: Any) -> tuple[str, ...] | None:
    """The model's class names, or the data's label names for a model with 0/1 classes."""
    names: tuple[str, ...] | None = setup.model.capabilities.class_names
    given = setup.test.label_names
    if given and (names is None or all(n.isdigit() for n in names)):
        n = setup.model.capabilities.n_classes
        if n is None or n == len(given):
            return tuple(given)
    return names
