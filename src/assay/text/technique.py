"""The text technique: configuration (``TextTest``) and the search the engine drives
(``TextSearch``), implementing ``core.run``'s Technique and Search protocols."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.calls import CallTimeout
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.units import Unit
from assay.errors import UsageError
from assay.text.engine import Engine
from assay.text.generate import DEFAULT_MAX_DEPTH, Sampler, Tree
from assay.text.grammar import Grammar
from assay.text.hung import named
from assay.text.oracle import Oracle
from assay.text.panel import Layout
from assay.text.spacing import BEYOND_ASCII, joined_as
from assay.text.strategies import (
    DEFAULT_STRATEGY,
    STRATEGIES,
    exhaustive_reached,
    make_strategy,
)
from assay.text.summary import build_summary, too_few_reason
from assay.text.untested import compared_cases, untested_part

__all__ = ["LANED", "TextSearch", "TextTest"]

LANED = ("walk", "explore", "harvest", "random")  # strategies that can run in lanes


@dataclass
class TextTest:
    """One text test: a grammar, the classifiers' label layout, an oracle and a strategy."""

    grammar: Grammar
    layout: Layout
    oracle: str = "differential"
    mode: str = "top1"
    top_k: int = 2
    threshold: float = 0.5
    strategy: str = DEFAULT_STRATEGY
    max_depth: int = DEFAULT_MAX_DEPTH
    weighted: bool = True
    batch: int = 256
    shrink: bool = True
    start: Tree | None = None
    source: dict[str, Any] = field(default_factory=dict)
    name: str = "text"
    in_unit: bool = False  # one unit of a campaign (``core.units``): report raw statistics
    lanes: int = 1  # lanes taking turns (``pipeline``; strategies in ``LANED`` only)
    # rounds per step, each but the last shrinking while the next is drafted (``lag``; the
    # walks only, one lane)
    rounds: int = 1
    # a suite's floor (``text.floor``): random cases per test drawn before the search (0:
    # none; runs stored before it had none)
    floor: int = 0
    # how its terminals are joined beyond ASCII (``text.spacing``: a run stored before the
    # rule was kept joined them as English, and resumes so)
    spacing: int = BEYOND_ASCII
    # what the run adds once its search has ended (not configuration): missing until added
    # (``core.unfinished``)
    after_search: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def validate(self) -> TextTest:
        if self.strategy not in STRATEGIES:
            raise UsageError(
                f"unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}",
                argument="--strategy",
            )
        if not 1 <= self.lanes <= 8:
            raise UsageError(f"must be 1 to 8, not {self.lanes}", argument="lanes")
        if not 1 <= self.rounds <= 16:
            raise UsageError(f"must be 1 to 16, not {self.rounds}", argument="rounds")
        if self.batch < 1:
            raise UsageError(f"must be at least 1, not {self.batch}", argument="--batch")
        self.make_oracle(Sampler(self.grammar, max_depth=self.max_depth))
        if self.strategy == "exhaustive":  # a grammar too large to enumerate: before a run
            make_strategy(self.strategy, self.grammar, self.max_depth, start=self.start)
        return self

    def make_oracle(self, sampler: Sampler) -> Oracle:
        return Oracle(
            self.oracle,
            self.grammar,
            self.layout,
            sampler,
            mode=self.mode,
            k=self.top_k,
            threshold=self.threshold,
        )

    def config(self, *, text: bool = True) -> dict[str, Any]:
        """The test's configuration, the grammar's text with it (``text``: a summary, which
        keeps the grammar's figures only, does without: a 13 MB grammar was written out
        again, 68 MB of memory and a second, for each summary)."""
        grammar: dict[str, Any] = {
            "source": self.grammar.source,
            "symbols": len(self.grammar.names),
            "productions": self.grammar.n_productions,
            "infinite": self.grammar.infinite,
            # (the directives' lines in the file: a resumed run's tests keep their names)
            "directive_lines": self.grammar.directive_lines(),
        }
        if text:
            grammar["text"] = self.grammar.to_text()
        return {
            "grammar": grammar,
            "layout": self.layout.to_json(),
            "oracle": self.oracle,
            "mode": self.mode,
            "top_k": self.top_k,
            "threshold": self.threshold,
            "strategy": self.strategy,
            "max_depth": self.max_depth,
            "weighted": self.weighted,
            "batch": self.batch,
            "shrink": self.shrink,
            "lanes": self.lanes,
            # (only when lagged: the configuration of a run that is not stays as it was)
            **({"rounds": self.rounds} if self.rounds != 1 else {}),
            **({"floor": self.floor} if self.floor else {}),
            # (when not the default: the JUnit suite name says so, and the report may not
            # import text's default; a run at the default stays as it was)
            **(
                {"max_depth_default": DEFAULT_MAX_DEPTH}
                if self.max_depth != DEFAULT_MAX_DEPTH
                else {}
            ),
            "source": self.source,
            "spacing": self.spacing,
        }

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> TextSearch:
        return TextSearch(self, model, rng)

    # -- a campaign split into units (``core.units``, ``text.units``) ------------------------
    def for_unit(self, unit: Unit) -> TextTest:
        """The test one unit runs: this one, reporting the statistics a merge needs."""
        del unit  # a unit differs by its seed and budget only
        return replace(self, in_unit=True)

    def finding_keys(self, batch: FindingBatch) -> np.ndarray:
        from assay.text.units import finding_keys

        return finding_keys(batch)

    def merge_summaries(
        self, summaries: list[dict[str, Any]], batches: list[FindingBatch]
    ) -> dict[str, Any]:
        from assay.text.units import merge_summaries

        return merge_summaries(self, summaries, batches)


def _lane_strategy(test: TextTest, n_lanes: int) -> Any:
    """The strategy of one of ``n_lanes`` lanes: the strategy ``make_strategy`` makes, with
    a walk's walkers shared among the lanes (its other settings kept)."""
    made = make_strategy(test.strategy, test.grammar, test.max_depth, start=test.start)
    if n_lanes > 1 and test.strategy in ("walk", "explore", "harvest"):
        from assay.text.walk import WalkStrategy

        settings = ("moves", "patience", "brevity", "screen", "explore", "harvest", "measure")
        kept = {k: getattr(made, k) for k in settings if hasattr(made, k)}
        if hasattr(made, "pool_size"):
            kept["pool"] = made.pool_size
        return WalkStrategy(walkers=max(1, made.n_walkers // n_lanes), **kept)
    return made


class TextSearch:
    """The search of one ``TextTest``; its sentences joined by the test's rule
    (``text.spacing``) wherever it runs (a unit in another process too)."""

    def __init__(self, test: TextTest, model: BudgetedModel, rng: np.random.Generator) -> None:
        self.test = test
        self.model = model
        with joined_as(test.spacing):
            self._start(rng)

    def _start(self, rng: np.random.Generator) -> None:
        test, model = self.test, self.model
        sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
        oracle = test.make_oracle(sampler)
        batch = 1 if test.strategy == "ogma" else test.batch
        # strategies of many walkers run in lanes taking turns, each with its share of the
        # walkers and of the batch, so that the classifiers answer one lane while the search
        # works on the other (``pipeline``); ``ogma`` is one walk by definition,
        # ``exhaustive`` one enumeration
        n_lanes = test.lanes if test.strategy in LANED else 1
        if n_lanes > 1:
            batch = max(1, batch // n_lanes)
        strategy, *lanes = [_lane_strategy(test, n_lanes) for _ in range(n_lanes)]
        if test.floor and oracle.metamorphic:  # (each lane draws its share of the floor)
            from assay.text.floor import SuiteFloor

            each = -(-test.floor // n_lanes)
            strategy, *lanes = [SuiteFloor(s, each) for s in (strategy, *lanes)]
        self.engine = Engine(
            oracle,
            sampler,
            strategy,
            model,
            rng,
            batch=batch,
            shrink=test.shrink,
            lanes=lanes,
            rounds=test.rounds,
        )

    @property
    def done(self) -> bool:
        return self.engine.done

    def step(self) -> list[FindingBatch]:
        try:
            with joined_as(self.test.spacing):
                return self.engine.step()
        except CallTimeout as exc:  # of several classifiers, say which one did not answer
            said = named(exc, self.model)
            if said is exc:
                raise
            raise said from exc

    def flush(self) -> list[FindingBatch]:
        return []

    def progress(self) -> dict[str, Any]:
        e = self.engine
        return {
            "errors": e.errors,
            "distinct_minimal": len(e.minimal),
            "cases": e.cases,
            "sentences": len(e.asked),
        }

    def summary(self) -> dict[str, Any]:
        with joined_as(self.test.spacing):
            return self._summary()

    def _summary(self) -> dict[str, Any]:
        why = self.engine.untested() or self.engine.oracle.never_compared(self.engine.errors)
        s = build_summary(
            self.engine,
            strategy=self.test.strategy,
            queries=self.model.queries,
            elapsed=self.model.elapsed,
            model_seconds=self.model.model_seconds,
            config=self.test.config(text=False),
            exhausted=self.engine.stop_reason == "space",
            untested=why,
        )
        if self.engine.stop_reason:
            s["stopped_early"] = {"search": self.engine.stop_reason}
        reached = exhaustive_reached(self.engine.strategy)
        if reached:  # (an exhaustive order the budget cut: its last derivations never asked)
            s["headline"] += f"; {reached}"
        s["tested"] = compared_cases(self.engine)  # 0: nothing was tested (never a pass)
        if why:
            s["untested_reason"] = why
        few = too_few_reason(s, self.test.oracle, self._budget_spent())
        if few:
            s["incomplete_reason"] = few
        part = None if why else untested_part(self.engine)
        if part and not few:  # some classifiers tested, not all: not everything was tested
            s["incomplete_reason"] = part
        if self.test.in_unit:
            from assay.text.units import UNIT_STATS, unit_stats

            s[UNIT_STATS] = unit_stats(self.engine)
            s["seconds"] = self.model.elapsed
            s["model_seconds"] = self.model.model_seconds
        return s

    def _budget_spent(self) -> str | None:
        """The budget that ended the search: time when it is spent, else the query budget
        when there is one (the search stops short of it when its next batch would not fit)."""
        m = self.model
        if m.exhausted() == "time" or (m.max_queries is None and m.max_time is not None):
            return "time"
        return "queries" if m.max_queries is not None else None

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot()

    def restore(self, snapshot: Snapshot) -> None:
        with joined_as(self.test.spacing):
            self.engine.restore(snapshot)
