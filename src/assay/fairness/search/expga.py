"""ExpGA (Fan, Wang, Wang, Zhou and Feng, ICSE 2022), re-implemented from the paper.

Explanation-guided fairness testing through a genetic algorithm, in two phases:

1. **Seeds from explanations.**  Candidate inputs (real rows when data is given) are explained
   by a local, perturbation-based attribution (the paper uses LIME or SHAP; ours is the
   simplest black-box reading of LIME: each non-protected feature of the input is resampled
   once, and its importance is the change of the model's output).  The importance of the
   protected attribute is the largest output change over its variants, which the
   discrimination oracle measures anyway.  Inputs whose protected attribute ranks among the
   ``top_k`` most important features become seeds (the paper's criterion); every query these
   explanations cost is counted.
2. **Genetic search.**  The seeds form the population; fitness is the largest probability gap
   between protected variants (plus one for a label flip).  Each generation draws parents by
   roulette wheel on fitness, crosses them over at one point of the non-protected features
   (with probability ``crossover``), and mutates each non-protected gene with probability
   ``mutation`` to a random value of its domain.  Offspring never evaluated before are asked
   (one batched call per generation); the best ``population`` of parents and offspring
   survive.  Every discriminatory offspring is an IDI.  When a generation brings nothing new,
   a new explanation phase finds fresh seeds.

Parameters (population 100, crossover 0.9, mutation 0.05 per gene, top 3 features, 200
candidates per explanation phase) are our reading of the paper's setup; its code, which is
not ours to copy, was not consulted.  Continuous features mutate to a uniform value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.errors import UsageError
from assay.fairness.schema import Schema
from assay.fairness.search.base import BaseSearch, SearchModel

__all__ = ["ExpGASearch"]


class ExpGASearch(BaseSearch):
    """Explanation-chosen seeds, then a genetic algorithm on the probability gap."""

    strategy = "expga"

    def __init__(
        self,
        *,
        schema: Schema,
        model: SearchModel,
        rng: np.random.Generator,
        threshold: float | None = None,
        data: np.ndarray | None = None,
        start: str = "auto",
        population: int = 100,
        crossover: float = 0.9,
        mutation: float = 0.05,
        top_k: int = 3,
        candidates: int = 200,
        seen_memory: int | None = None,
    ) -> None:
        super().__init__(
            schema=schema,
            model=model,
            rng=rng,
            threshold=threshold,
            data=data,
            start=start,
            batch_size=max(population, candidates),
            seen_memory=seen_memory,
        )
        if population < 2:
            raise UsageError(f"must be at least 2, not {population}", argument="population")
        if candidates < 1 or top_k < 1:
            raise UsageError("candidates and top_k must be at least 1", argument="candidates")
        for name, value in (("crossover", crossover), ("mutation", mutation)):
            if not 0 <= value <= 1:
                raise UsageError(f"must be in [0, 1], not {value}", argument=name)
        self.population = int(population)
        self.crossover = float(crossover)
        self.mutation = float(mutation)
        self.top_k = int(top_k)
        self.candidates = int(candidates)
        span = schema.highs - schema.lows
        self._movable = self.free[span[self.free] > 0]
        d = len(schema)
        self.pop = np.zeros((0, d))
        self.fitness = np.zeros(0)
        self.pop_origin = np.zeros(0, dtype=np.int64)
        self.phase = "explain"

    def parameters(self) -> dict[str, Any]:
        return {
            "population": self.population,
            "crossover": self.crossover,
            "mutation": self.mutation,
            "top_k": self.top_k,
            "candidates": self.candidates,
            "max_classes": self.max_classes,
        }

    def _round(self, capacity: int) -> list[FindingBatch]:
        if self.phase == "explain" or len(self.pop) < 2 or not len(self._movable):
            return self._explain(capacity)
        return self._generation(capacity)

    # -- phase 1: seeds from explanations ------------------------------------------------
    def _explain(self, capacity: int) -> list[FindingBatch]:
        n = min(self.candidates, capacity)
        rows, origin = self.starts.sample(self.rng, n)
        keep = self.ledger.admit(self.oracle.class_keys(rows), n)
        if not len(keep):
            return []
        rows, origin = rows[keep], origin[keep]
        verdicts = self.evaluate(rows)
        batch = self.report(verdicts, np.full(len(rows), -1, dtype=np.int64), origin)
        protected_importance = verdicts.severity
        # the explanation: each non-protected feature resampled once (counted queries)
        feats = self._movable
        left = self.model.remaining()
        explained = len(feats) * len(rows)
        seeds = np.zeros(len(rows), dtype=bool)
        if len(feats) and (left is None or left >= explained + len(rows)):
            pert = np.repeat(rows, len(feats), axis=0)
            cols = np.tile(feats, len(rows))
            lo, hi = self.schema.lows[cols], self.schema.highs[cols]
            disc = self.schema.discrete[cols]
            value = lo + self.rng.random(len(cols)) * (hi - lo + disc)
            pert[np.arange(len(cols)), cols] = np.where(disc, np.floor(value), value).clip(lo, hi)
            q0 = self.model.queries
            base = _score(self.model.predict(rows))
            out = _score(self.model.predict(pert)).reshape(len(rows), len(feats))
            self.ledger.queries += self.model.queries - q0
            importance = np.abs(out - base[:, None])
            rank = (importance > protected_importance[:, None]).sum(axis=1)
            seeds = rank < self.top_k
        seeds |= verdicts.discriminatory
        if seeds.any():
            fit = verdicts.severity[seeds] + verdicts.discriminatory[seeds]
            self.pop = np.concatenate([self.pop, rows[seeds]])
            self.fitness = np.concatenate([self.fitness, fit])
            self.pop_origin = np.concatenate([self.pop_origin, origin[seeds]])
            self._survive()
            if len(self.pop) >= 2:
                self.phase = "genetic"
        return [] if batch is None else [batch]

    # -- phase 2: the genetic algorithm --------------------------------------------------
    def _generation(self, capacity: int) -> list[FindingBatch]:
        rng = self.rng
        n = min(self.population, capacity)
        w = self.fitness + 1e-3
        parents = rng.choice(len(self.pop), size=(n, 2), p=w / w.sum())
        a, b = self.pop[parents[:, 0]], self.pop[parents[:, 1]]
        feats = self._movable
        cut = rng.integers(1, max(len(feats), 2), size=n)
        cross = rng.random(n) < self.crossover
        take_b = (np.arange(len(feats))[None, :] >= cut[:, None]) & cross[:, None]
        child = a.copy()
        child[:, feats] = np.where(take_b, b[:, feats], a[:, feats])
        mut = rng.random((n, len(feats))) < self.mutation
        lo, hi = self.schema.lows[feats], self.schema.highs[feats]
        disc = self.schema.discrete[feats]
        value = lo + rng.random((n, len(feats))) * (hi - lo + disc)
        value = np.where(disc, np.floor(value), value).clip(lo, hi)
        child[:, feats] = np.where(mut, value, child[:, feats])
        origin = self.pop_origin[parents[:, 0]]
        keep = self.ledger.admit(self.oracle.class_keys(child), n)
        if not len(keep):
            self.phase = "explain"  # the population brings nothing new: fresh seeds
            return []
        child, origin = child[keep], origin[keep]
        verdicts = self.evaluate(child)
        batch = self.report(verdicts, np.full(len(child), -1, dtype=np.int64), origin)
        self.pop = np.concatenate([self.pop, child])
        self.fitness = np.concatenate([self.fitness, verdicts.severity + verdicts.discriminatory])
        self.pop_origin = np.concatenate([self.pop_origin, origin])
        self._survive()
        return [] if batch is None else [batch]

    def _survive(self) -> None:
        """Keep the fittest ``population`` (a stable order: ties keep the older first)."""
        if len(self.pop) > self.population:
            best = np.sort(np.argsort(-self.fitness, kind="stable")[: self.population])
            self.pop, self.fitness = self.pop[best], self.fitness[best]
            self.pop_origin = self.pop_origin[best]

    # -- checkpoints ---------------------------------------------------------------------
    def _state(self) -> Snapshot:
        return Snapshot(
            arrays={
                "pop": self.pop.copy(),
                "fitness": self.fitness.copy(),
                "pop_origin": self.pop_origin.copy(),
            }
        )

    def _set_state(self, snap: Snapshot) -> None:
        for name in ("pop", "fitness", "pop_origin"):
            if name in snap.arrays:
                setattr(self, name, np.array(snap.arrays[name], copy=True))


def _score(outputs: np.ndarray) -> np.ndarray:
    """One number per answer to compare explanations by: the last class's probability, or
    the label for a labels-only model."""
    out = np.asarray(outputs, dtype=np.float64)
    return out[:, -1] if out.ndim == 2 else out
