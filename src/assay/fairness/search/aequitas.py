"""Aequitas (Udeshi, Arora and Chattopadhyay, ASE 2018), re-implemented from the paper.

A global phase samples inputs at random; every discriminatory input it finds seeds a local
phase that repeatedly perturbs one non-protected feature of the current point by the
perturbation unit and moves to the perturbed point when it is discriminatory.

- ``aequitas-random``: feature and direction chosen uniformly.
- ``aequitas-semi``: a learned probability of going up, per feature: raised by
  ``probability_step`` for the chosen direction when the perturbation found discrimination,
  lowered otherwise.
- ``aequitas-full``: as semi, and the feature-selection probabilities are learned too (the
  chosen feature's probability is raised by ``probability_step`` on success, then normalised).

As in the paper the search is sequential: one candidate at a time, its protected variants in
one model call.  Differences from the published code: no L-BFGS-B minimiser re-evaluating
the same point, and a class already evaluated is not asked again (its verdict is reused);
IDIs are counted once per class; at a feature's bound the perturbation goes the other way
(never a no-op).  When the local phases of all seeds are done, a new round
starts with a new global phase, until the budget ends.  Continuous features move by 1 % of
their range instead of the perturbation unit.

Budgets: the phases fit the query budget and the attribute's cardinality.  Each global phase
samples at most ``global_iterations`` inputs and at most a tenth of the classes the query
budget left still pays for (each class costs K queries: K = 57 for age in years), at least
ten; each seed's local phase gets at most ``local_iterations`` and at most an equal share of
what is left.  Without a query budget the paper's counts stand.

Defaults: 1,000 global and 1,000 local iterations per seed, perturbation unit 1 and a
probability step of 0.001, directions starting at 0.5 and features uniform: our reading of the
paper's evaluation setup (its code, which has no licence, was not consulted).  ``per_step``
candidates are done per ``step`` call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.errors import BudgetExhausted, UsageError
from assay.fairness.lattice import snap
from assay.fairness.schema import Schema
from assay.fairness.search.base import BaseSearch, SearchModel

__all__ = ["VARIANTS", "AequitasSearch"]

VARIANTS = ("random", "semi", "full")


class AequitasSearch(BaseSearch):
    """Aequitas random / semi-directed / fully-directed, one candidate at a time."""

    def __init__(
        self,
        *,
        schema: Schema,
        model: SearchModel,
        rng: np.random.Generator,
        variant: str = "full",
        threshold: float | None = None,
        data: np.ndarray | None = None,
        start: str = "auto",
        global_iterations: int = 1000,
        local_iterations: int = 1000,
        perturbation_unit: float = 1.0,
        probability_step: float = 0.001,
        per_step: int = 200,
        seen_memory: int | None = None,
    ) -> None:
        super().__init__(
            schema=schema,
            model=model,
            rng=rng,
            threshold=threshold,
            data=data,
            start=start,
            batch_size=1,
            seen_memory=seen_memory,
        )
        if variant not in VARIANTS:
            raise UsageError(f"unknown Aequitas variant {variant!r}", argument="--strategy")
        for name, value in (
            ("global_iterations", global_iterations),
            ("local_iterations", local_iterations),
            ("per_step", per_step),
        ):
            if value < 1:
                raise UsageError(f"must be at least 1, not {value}", argument=name)
        if perturbation_unit <= 0 or not 0 < probability_step < 1:
            raise UsageError(
                "perturbation_unit must be positive and probability_step in (0, 1)",
                argument="perturbation_unit",
            )
        self.variant = variant
        self.strategy = f"aequitas-{variant}"
        self.global_iterations = int(global_iterations)
        self.local_iterations = int(local_iterations)
        self.perturbation_unit = float(perturbation_unit)
        self.probability_step = float(probability_step)
        self.per_step = int(per_step)
        span = schema.highs - schema.lows
        # continuous steps and values on the features' lattices (``fairness.lattice``)
        unit = np.where(schema.discrete, self.perturbation_unit, 0.01 * span)
        on = snap(unit, schema.lattice)
        self._unit = np.where(on > 0, on, unit)
        self._movable = self.free[span[self.free] > 0]
        d = len(schema)
        self.p_up = np.full(d, 0.5)
        self.p_feat = np.zeros(d)
        self.p_feat[self._movable] = 1.0 / max(len(self._movable), 1)
        self.round_global = 0
        self.global_target = 0  # inputs this global phase samples (0: not decided yet)
        self.local_target = self.local_iterations
        self.seeds = np.zeros((0, d))
        self.seed_origin = np.zeros(0, dtype=np.int64)
        self.seed_i = 0
        self.local_done = 0
        self.current = np.zeros(d)
        self.current_origin = -1
        self._stop: BudgetExhausted | None = None

    def parameters(self) -> dict[str, Any]:
        return {
            "global_iterations": self.global_iterations,
            "local_iterations": self.local_iterations,
            "perturbation_unit": self.perturbation_unit,
            "probability_step": self.probability_step,
            "max_classes": self.max_classes,
        }

    # -- one step: up to per_step sequential candidates ----------------------------------
    def _round(self, capacity: int) -> list[FindingBatch]:
        if self._stop is not None:
            stop, self._stop = self._stop, None
            raise stop
        found: list[FindingBatch] = []
        for _ in range(self.per_step):
            if self.capacity() == 0 or self._finished:
                break
            try:
                batch = self._one()
            except BudgetExhausted as exc:
                if not found:
                    raise
                self._stop = exc  # hand over what this step found; stop at the next step
                break
            if batch is not None:
                found.append(batch)
        return [FindingBatch.concat(found)] if found else []

    def _one(self) -> FindingBatch | None:
        if self.phase == "global" or not len(self._movable):
            return self._global()
        return self._local()

    def _classes_left(self) -> int | None:
        left = self.model.remaining()
        return None if left is None else left // self.K

    def _global(self) -> FindingBatch | None:
        if self.global_target <= 0:  # a new global phase: fit it to the budget left
            left = self._classes_left()
            self.global_target = self.global_iterations
            if left is not None:
                self.global_target = max(1, min(self.global_iterations, max(10, left // 10)))
        row, origin = self.starts.sample(self.rng, 1)
        disc, batch = self._check(row, origin, -1)
        if disc and batch is not None:
            self.seeds = np.concatenate([self.seeds, row])
            self.seed_origin = np.concatenate([self.seed_origin, origin])
        self.round_global += 1
        if self.round_global >= self.global_target:
            self.round_global = 0
            self.global_target = 0
            if len(self.seeds) and len(self._movable):
                self.phase = "local"
                self.seed_i, self.local_done = 0, 0
                left = self._classes_left()
                self.local_target = self.local_iterations
                if left is not None:  # every seed gets its share of what is left
                    share = max(1, left // len(self.seeds))
                    self.local_target = min(self.local_iterations, share)
                self.current = self.seeds[0].copy()
                self.current_origin = int(self.seed_origin[0])
        return batch

    def _local(self) -> FindingBatch | None:
        rng = self.rng
        if self.variant == "full":
            p = self.p_feat[self._movable]
            j = int(
                self._movable[
                    min(np.searchsorted(np.cumsum(p), rng.random() * p.sum()), len(p) - 1)
                ]
            )
        else:
            j = int(self._movable[rng.integers(len(self._movable))])
        p_up = 0.5 if self.variant == "random" else float(self.p_up[j])
        up = bool(rng.random() < p_up)
        cand = self.current.copy()
        low, high = self.schema.lows[j], self.schema.highs[j]
        if (up and cand[j] >= high) or (not up and cand[j] <= low):
            up = not up  # at a bound the perturbation goes the other way
        moved = cand[j] + (self._unit[j] if up else -self._unit[j])
        cand[j] = np.clip(snap(moved, self.schema.lattice[j]), low, high)
        origin = np.array([self.current_origin], dtype=np.int64)
        disc, batch = self._check(cand[None, :], origin, j)
        if self.variant != "random":
            step = self.probability_step if disc == up else -self.probability_step
            self.p_up[j] = float(np.clip(self.p_up[j] + step, 0.0, 1.0))
        if self.variant == "full" and disc:
            self.p_feat[j] += self.probability_step
            self.p_feat /= self.p_feat.sum()
        if disc:
            self.current = cand
        self.local_done += 1
        if self.local_done >= self.local_target:
            self._next_seed()
        return batch

    def _next_seed(self) -> None:
        self.seed_i += 1
        self.local_done = 0
        if self.seed_i >= len(self.seeds):
            self.phase = "global"
            self.seeds = self.seeds[:0]
            self.seed_origin = self.seed_origin[:0]
            self.seed_i = 0
            return
        self.current = self.seeds[self.seed_i].copy()
        self.current_origin = int(self.seed_origin[self.seed_i])

    def _check(
        self, row: np.ndarray, origin: np.ndarray, mutated: int
    ) -> tuple[bool, FindingBatch | None]:
        """Is the row discriminatory?  Asks the model only for a class never seen."""
        keys = self.oracle.class_keys(row)
        known = int(self.ledger.known(keys)[0])
        if known >= 0:
            return bool(known), None
        self.ledger.admit(keys, 1)
        verdicts = self.evaluate(row)
        disc = bool(verdicts.discriminatory[0])
        batch = self.report(verdicts, np.array([mutated], dtype=np.int64), origin)
        return disc, batch

    # -- checkpoints ---------------------------------------------------------------------
    def _state(self) -> Snapshot:
        return Snapshot(
            values={
                "round_global": self.round_global,
                "global_target": self.global_target,
                "local_target": self.local_target,
                "seed_i": self.seed_i,
                "local_done": self.local_done,
                "current_origin": self.current_origin,
            },
            arrays={
                "p_up": self.p_up.copy(),
                "p_feat": self.p_feat.copy(),
                "seeds": self.seeds.copy(),
                "seed_origin": self.seed_origin.copy(),
                "current": self.current.copy(),
            },
        )

    def _set_state(self, snap: Snapshot) -> None:
        v, a = snap.values, snap.arrays
        self.round_global = int(v.get("round_global", 0))
        self.global_target = int(v.get("global_target", 0))
        self.local_target = int(v.get("local_target", self.local_iterations))
        self.seed_i = int(v.get("seed_i", 0))
        self.local_done = int(v.get("local_done", 0))
        self.current_origin = int(v.get("current_origin", -1))
        for name in ("p_up", "p_feat", "seeds", "seed_origin", "current"):
            if name in a:
                setattr(self, name, np.array(a[name], copy=True))
