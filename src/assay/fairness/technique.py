"""The fairness technique: context, search and estimation phases over one budgeted model.

``FairnessTest`` holds configuration only.  ``search()`` starts a ``FairnessSearch``: a
state machine that runs, in turn, the group-fairness context (when labelled data is given),
the IDI search (findings), and the estimate of the share of discriminatory inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel, PhaseBudget
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.model import labels_of
from assay.core.run import Search
from assay.errors import BudgetExhausted, UsageError
from assay.fairness.estimate import EstimateSearch
from assay.fairness.group import group_metrics, too_many_groups
from assay.fairness.kept import KeptSamples
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY, STRATEGIES, make_search
from assay.fairness.search.walk import OPTIMIZE
from assay.fairness.summary import ExamplePool, build_summary

__all__ = [
    "MOST_COMBINATIONS",
    "FairnessSearch",
    "FairnessTest",
    "check_protected",
    "class_names_of",
    "favourable_of",
]

PHASES = ("context", "search", "estimate")
MOST_COMBINATIONS = 10_000
"""Most combinations of protected values a run tests.  Every input is asked with each (its
variants): the answer's samples alone asked 60,800,000 queries for 200,000 values of one
column (2.5 minutes, 4.2 GB; 304 queries a value, whatever --max-queries).  An attribute
with more values is most likely an identifier (as ``tabular_io``'s ``max_categories``
refuses one as a feature), or a number to test by bins."""
_CHUNK = 50_000  # labelled rows per model call


def check_protected(schema: Schema) -> None:
    """Raise ``UsageError`` unless every protected attribute is named once and takes at least
    two values (with one value, no two inputs differing only in it exist: nothing to test)."""
    if not schema.protected:
        raise UsageError("name at least one protected attribute", argument="--protected")
    seen: set[str] = set()
    for name in schema.protected:
        if name in seen:
            raise UsageError(f"protected attribute {name!r} is named twice", argument="--protected")
        seen.add(name)
        feature = schema.feature(name)
        if feature.n_values is not None and feature.n_values < 2:
            only = feature.label(feature.encoded_low)
            raise UsageError(
                f"protected attribute {name!r} takes a single value ({only}) in the data or "
                "schema: no two inputs that differ only in it exist, so nothing would be "
                f"tested; give data or a schema with at least two values of {name!r}",
                argument="--protected",
            )
    _check_combinations(schema)


def _check_combinations(schema: Schema) -> None:
    """Raise ``UsageError`` when the protected values make more than ``MOST_COMBINATIONS``
    combinations (before any query: the answer alone would ask ~300 queries for each)."""
    counts = [(name, schema.feature(name).n_values) for name in schema.protected]
    if any(n is None for _, n in counts):
        return  # (continuous: refused by the schema)
    total = int(np.prod([float(n or 1) for _, n in counts]))
    if total <= MOST_COMBINATIONS:
        return
    if len(counts) == 1:
        what = f"protected attribute {counts[0][0]!r} takes {total:,} values"
    else:
        product = " x ".join(f"{n:,} ({name!r})" for name, n in counts)
        what = f"the protected attributes take {product} = {total:,} combinations of values"
    raise UsageError(
        f"{what}: more than {MOST_COMBINATIONS:,}, the most a run tests (every input the "
        f"run and its answer ask is asked with each: {total:,} queries an input); an "
        "identifier? Name a column of fewer values (regions "
        "rather than cities), test a number by bins (--protected NAME:bins=25,40,60; in "
        "Python protected='NAME:bins=25,40,60'), or fewer attributes at once",
        argument="--protected",
    )


@dataclass
class FairnessTest:
    """Configuration of one fairness test (no work happens here).

    ``data``: encoded real rows (``schema.encode``) or None; ``labels``: their true labels.
    ``estimate_share``: the part of the query/time budget kept for the estimate.
    """

    schema: Schema
    data: np.ndarray | None = None
    labels: np.ndarray | None = None
    context_rows: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    strategy: str = DEFAULT_STRATEGY
    optimize: str = "auto"  # the default search's mode: auto, queries or time
    threshold: float | None = None
    start: str = "auto"
    estimate: bool = False
    distributions: tuple[str, ...] = ()
    precision: float = 0.005
    estimate_share: float = 0.3
    source: dict[str, Any] = field(default_factory=dict)
    # the favourable class the user named (``--favourable``; None: inferred as the answer
    # infers it): the group metrics' rates are of it (``_context``)
    favourable: str | None = None
    name: str = "fairness"
    # where the estimate phase leaves its first inputs for the answer (not configuration)
    kept: KeptSamples | None = field(default=None, compare=False, repr=False)
    # the answer is computed once the search has ended (not configuration): the search's last
    # summary, stored with its ended status, says the answer is missing until it is added
    # (``fairness.phases.answer_follows``)
    answer_follows: bool = field(default=False, compare=False, repr=False)
    # what the run adds once its search has ended (not configuration): missing until added
    # (``core.unfinished``)
    after_search: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def validate(self) -> FairnessTest:
        """Check the configuration; raise ``UsageError`` naming the argument at fault."""
        check_protected(self.schema)
        if self.strategy not in STRATEGIES:
            raise UsageError(
                f"unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}",
                argument="--strategy",
            )
        if self.optimize not in OPTIMIZE:
            raise UsageError(
                f"must be {', '.join(OPTIMIZE[:-1])} or {OPTIMIZE[-1]}, not {self.optimize!r}",
                argument="--optimize",
            )
        if self.threshold is not None and not 0 < self.threshold < 1:
            raise UsageError(
                f"must be between 0 and 1 (a probability gap), not {self.threshold}",
                argument="--threshold",
            )
        if not 0 < self.precision < 0.5:
            raise UsageError(f"must be in (0, 0.5), not {self.precision}", argument="--precision")
        if self.start not in ("auto", "data", "uniform"):
            raise UsageError(
                f"must be auto, data or uniform, not {self.start!r}", argument="--start"
            )
        if self.start == "data" and self.data is None:
            raise UsageError("--start data needs --data or --dataset", argument="--start")
        for d in self.distributions:
            if d not in ("uniform", "data"):
                raise UsageError(f"unknown distribution {d!r}", argument="--estimate")
            if d == "data" and self.data is None:
                raise UsageError("estimating over the data needs --data", argument="--estimate")
        if self.data is not None and self.data.shape[1] != len(self.schema):
            raise UsageError(
                f"data has {self.data.shape[1]} columns; the schema has {len(self.schema)}: "
                f"{', '.join(self.schema.names)}",
                argument="--data",
            )
        return self

    @property
    def estimate_distributions(self) -> tuple[str, ...]:
        if self.distributions:
            return self.distributions
        return ("uniform", "data") if self.data is not None else ("uniform",)

    def config(self) -> dict[str, Any]:
        return {
            "schema": self.schema.to_json(),
            "protected": list(self.schema.protected),
            "strategy": self.strategy,
            "optimize": self.optimize,
            "threshold": self.threshold,
            "start": self.start,
            "estimate": self.estimate,
            "distributions": list(self.estimate_distributions) if self.estimate else [],
            "precision": self.precision,
            "estimate_share": self.estimate_share,
            "data_rows": None if self.data is None else len(self.data),
            "labelled": self.labels is not None,
            "source": self.source,
        }

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> FairnessSearch:
        return FairnessSearch(self, model, rng)

    def for_unit(self, unit: Any) -> FairnessTest:
        """The test a campaign's unit runs (``core.units``): the group metrics in the first
        unit alone.  Every unit asked every labelled row (3 units: 1,770 queries for 590
        rows) and the report showed the first unit's."""
        if int(getattr(unit, "index", 0)) == 0 or self.labels is None:
            return self
        return replace(self, labels=None)

    def merge_summaries(
        self,
        summaries: list[dict[str, Any]],
        batches: list[FindingBatch],
        capabilities: Any = None,
    ) -> dict[str, Any]:
        """One summary from the summaries of a campaign's units (``core.units``); the
        classes named as the model's ``capabilities`` name them (``class_names_of``)."""
        from assay.fairness.units import merge_summaries

        if capabilities is None:  # (a caller that knows no model: the data's label names)
            return merge_summaries(self, summaries, batches)
        names = class_names_of(self, capabilities)
        return merge_summaries(self, summaries, batches, class_names=names)

    def finding_keys(self, batch: FindingBatch) -> np.ndarray:
        """Equal keys for findings of the same class (``core.units`` keeps one of them)."""
        from assay.fairness.units import finding_keys

        return finding_keys(self.schema, batch)


def class_names_of(test: FairnessTest, capabilities: Any) -> tuple[str, ...] | None:
    """The model's class names, or the data's label names where the model has only
    indices (a model trained on 0/1 labels)."""
    names: tuple[str, ...] | None = capabilities.class_names
    given = test.label_names
    if given and (names is None or all(n.isdigit() for n in names)):
        n = capabilities.n_classes
        if n is None or n == len(given):
            return tuple(given)
    return names


def favourable_of(test: FairnessTest, capabilities: Any) -> tuple[int, str, str]:
    """The favourable class's index, its name and how it was chosen, as the answer chooses
    it (``verdict.favourable_class``: the user's ``--favourable``, else inferred): the
    group metrics' rates are of it, not of class index 1."""
    from assay.fairness.verdict import favourable_class

    names = class_names_of(test, capabilities)
    return favourable_class(names, capabilities.n_classes, test.favourable)


class FairnessSearch:
    """Runs the phases in turn; each phase gets its share of the budget."""

    def __init__(self, test: FairnessTest, model: BudgetedModel, rng: np.random.Generator) -> None:
        self.test = test
        self.model = model
        self.rng = rng
        self.phase = 0 if test.labels is not None and test.data is not None else 1
        self.context: dict[str, Any] | None = None
        self.context_pred: np.ndarray | None = None
        self.context_queries = 0  # the group metrics' queries, computed or cut
        self.examples = ExamplePool(test.schema)
        self.stopped_early: dict[str, str] = {}
        search_budget = self._phase_budget(1 - test.estimate_share if test.estimate else 1.0)
        self.idi_search: Search = make_search(
            test.strategy,
            schema=test.schema,
            model=search_budget,  # type: ignore[arg-type]
            rng=rng,
            threshold=test.threshold,
            data=test.data,
            start=test.start,
            optimize=test.optimize,
        )
        self.estimator: EstimateSearch | None = None
        if test.estimate:
            self.estimator = EstimateSearch(
                test.schema,
                model,  # type: ignore[arg-type]
                rng,
                distributions=test.estimate_distributions,
                data=test.data,
                precision=test.precision,
                threshold=test.threshold,
                keep=test.kept,
            )

    def _phase_budget(self, share: float) -> PhaseBudget:
        m = self.model
        queries = None if m.max_queries is None else int(m.max_queries * share)
        seconds = None if m.max_time is None else m.max_time * share
        return PhaseBudget(m, until_queries=queries, until_time=seconds)

    @property
    def done(self) -> bool:
        return self.phase >= len(PHASES) or (self.phase == 2 and self.estimator is None)

    def step(self) -> list[FindingBatch]:
        name = PHASES[self.phase]
        if name == "context":
            asked = self.model.queries
            try:
                self._context()
            except BudgetExhausted as exc:
                # cut by the budget while its rows were asked: no figures (those of the rows
                # answered before the cut would pass for every row's), said so; its queries
                # are still the group metrics' (they were said to be the estimate's)
                self.context = None
                self.context_pred = None
                self.stopped_early["context"] = (
                    f"group metrics not computed: the {exc.reason} budget ran out while the "
                    "model was asked the labelled rows"
                )
            self.context_queries = self.model.queries - asked
            if self.context is not None:  # (its queries, said apart from the search's)
                self.context["queries"] = self.context_queries
            self.phase += 1
            return []
        if name == "search":
            return self._search_step()
        assert self.estimator is not None
        try:
            self.estimator.step()
        except BudgetExhausted as exc:
            self.stopped_early["estimate"] = exc.reason
            self.phase += 1
            return []
        if self.estimator.done:
            self.phase += 1
        return []

    def _search_step(self) -> list[FindingBatch]:
        try:
            found = list(self.idi_search.step())
        except BudgetExhausted as exc:
            found = self._end_search(exc.reason)
        else:
            if self.idi_search.done:  # e.g. space covered, or the seen-set full ("memory")
                found += self._end_search(getattr(self.idi_search, "stop_reason", None))
            else:
                reason = self.model.exhausted() or self._search_budget_spent()
                if reason:
                    found += self._end_search(reason)
        for batch in found:
            self.examples.offer(batch)
        return found

    def flush(self) -> list[FindingBatch]:
        if PHASES[min(self.phase, 2)] != "search":
            return []
        found = list(self.idi_search.flush())
        for batch in found:
            self.examples.offer(batch)
        return found

    def _search_budget_spent(self) -> str | None:
        budget = getattr(self.idi_search, "model", None)
        if isinstance(budget, PhaseBudget):
            return budget.exhausted()
        return None

    def _end_search(self, reason: str | None) -> list[FindingBatch]:
        """End the search phase; returns the findings of a round still in flight."""
        found = list(self.idi_search.flush())
        if reason:
            self.stopped_early["search"] = reason
        self.phase += 1
        if self.estimator is not None and self.model.exhausted():
            # nothing left for the estimate: say so rather than estimate from nothing
            self.stopped_early["estimate"] = self.model.exhausted() or "queries"
        return found

    def _context(self) -> None:
        """Group metrics and accuracy on every labelled row (as fairlearn's ``MetricFrame``).

        One query per row, counted in the budget; skipped, with a note, when the query budget
        could not hold them all (a subsample would give noisy rates for small groups)."""
        data, labels = self.test.data, self.test.labels
        assert data is not None and labels is not None
        if self.test.context_rows is not None:
            data, labels = data[self.test.context_rows], labels[self.test.context_rows]
        left = self.model.remaining()
        if left is not None and len(data) > left // 2:
            self.context = None
            self.stopped_early["context"] = (
                f"group metrics not computed: they need one query per labelled row "
                f"({len(data):,} rows) and the query budget left could not hold them; raise "
                "--max-queries to at least twice that"
            )
            return
        schema = self.test.schema
        many = too_many_groups(data, schema.protected_indices, schema.protected)
        if many is not None:  # (before asking the model: its queries would be spent for none)
            self.context = None
            self.stopped_early["context"] = many
            return
        pred = (
            np.concatenate(
                [
                    labels_of(self.model.predict(data[s : s + _CHUNK]), self.model.capabilities)
                    for s in range(0, len(data), _CHUNK)
                ]
            )
            if len(data)
            else np.zeros(0, dtype=np.int64)
        )
        self.context_pred = pred
        # fairlearn's MetricFrame, as the API gives it back (``FairnessResult.group_metrics``),
        # its rates those of the favourable class (as the answer names it), not of class 1
        index, name, how = self.favourable_class()
        if not ((np.asarray(labels) == index).any() or (pred == index).any()):
            # every group's rate of it would be 0 (a gap of 0: no measurement of fairness)
            self.context = None
            self.stopped_early["context"] = (
                f"group metrics not computed: the favourable class {name!r} ({how}) is "
                "neither a true label nor an answer of the model on any labelled row"
            )
            return
        report = group_metrics(np.asarray(labels), pred, self.context_groups(data), positive=index)
        # the user's label, not its code; each group's values as the data holds them
        report = replace(report, positive=name, how=how, groups=self._typed(report, data))
        accuracy = float(np.mean(pred == np.asarray(labels)))
        section = report.section()
        note = "Over every labelled row (the figures of fairlearn's MetricFrame)."
        if self.test.context_rows is not None:
            note = f"Measured on held-out rows the model was not trained on. {note}"
        section["note"] = note
        self.context = {"group": report.to_json(), "section": section, "accuracy": accuracy}

    def context_groups(self, data: np.ndarray) -> dict[str, list[str]]:
        """The protected columns of encoded rows, as the user's values."""
        schema = self.test.schema
        out = {}
        for j in schema.protected_indices:
            codes, rows = np.unique(data[:, j], return_inverse=True)
            names = np.array([schema.features[j].label(v) for v in codes], dtype=object)
            out[schema.names[j]] = names[rows.reshape(-1)].tolist()
        return out

    def _typed(self, report: Any, data: np.ndarray) -> tuple[Any, ...]:
        """``report``'s groups, each one's ``values`` as the data holds them, typed for
        JSON (``regions.typed_value``: ``0``, ``true``, ``"Female"``): they were the labels'
        strings (``"0"``, ``"1"`` for an integer column)."""
        from assay.fairness.regions import typed_value

        schema = self.test.schema
        typed: dict[str, dict[str, Any]] = {}
        for j in schema.protected_indices:
            f = schema.features[j]
            typed[schema.names[j]] = {f.label(v): typed_value(f, v) for v in np.unique(data[:, j])}
        return tuple(
            replace(
                g,
                values=tuple(
                    typed.get(a, {}).get(v, v)
                    for a, v in zip(report.attributes, g.values, strict=True)
                ),
            )
            for g in report.groups
        )

    def favourable_class(self) -> tuple[int, str, str]:
        """The favourable class's index, its name and how it was chosen (``favourable_of``)."""
        return favourable_of(self.test, self.model.capabilities)

    def _class_names(self) -> tuple[str, ...] | None:
        return class_names_of(self.test, self.model.capabilities)

    @property
    def stop_reason(self) -> str | None:
        """Why the search phase ended before its budget (e.g. "no new inputs"), else None."""
        reason = self.stopped_early.get("search")
        return None if reason in (None, "queries", "time") else reason

    def _phase_name(self) -> str:
        """The phase running now ("done" once the last phase ended: no 'estimate' label on
        a run that never estimated)."""
        return "done" if self.done else PHASES[min(self.phase, 2)]

    def progress(self) -> dict[str, Any]:
        p: dict[str, Any] = {"phase": self._phase_name()}
        p.update(self.idi_search.progress())
        p["phase"] = self._phase_name()
        if self.estimator is not None and self.phase >= 2:
            p["estimate"] = self.estimator.progress()
        return p

    def summary(self) -> dict[str, Any]:
        search = self.idi_search.summary()
        estimates = self.estimator.summary() if self.estimator is not None else None
        return build_summary(
            test=self.test,
            search=search,
            estimates=estimates,
            context=self.context,
            group_queries=self.context_queries,
            examples=self.examples,
            stopped_early=self.stopped_early,
            queries=self.model.queries,
            class_names=self._class_names(),
        )

    def snapshot(self) -> Snapshot:
        snap = self.idi_search.snapshot().prefixed("search.")
        snap.values["phase"] = self.phase
        snap.values["context"] = self.context
        snap.values["context_queries"] = self.context_queries
        snap.values["stopped_early"] = self.stopped_early
        snap.arrays.update(self.examples.arrays())
        if self.estimator is not None:
            est = self.estimator.snapshot().prefixed("estimate.")
            snap.values.update(est.values)
            snap.arrays.update(est.arrays)
            snap.appends.update(est.appends)
        return snap

    def restore(self, snapshot: Snapshot) -> None:
        self.phase = int(snapshot.values.get("phase", self.phase))
        self.context = snapshot.values.get("context")
        queries = snapshot.values.get("context_queries")
        if queries is None:  # (a snapshot from before it was kept)
            queries = (self.context or {}).get("queries")
        self.context_queries = int(queries or 0)
        self.stopped_early = dict(snapshot.values.get("stopped_early", {}))
        self.examples.restore(snapshot.arrays)
        self.idi_search.restore(snapshot.unprefixed("search."))
        if self.estimator is not None:
            self.estimator.restore(snapshot.unprefixed("estimate."))
