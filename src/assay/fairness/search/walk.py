"""assay's default IDI search: many adaptive walkers, one batched model call per round.

Each round, every active walker proposes one neighbour of its position (one non-protected
feature changed), and a share of the round goes to fresh global samples (real rows when data
is given).  Candidates whose class was evaluated before are dropped before the model is asked,
so no query is paid twice.  A walker moves only to discriminatory candidates; after
``patience`` failures in a row (default 1) it restarts, from a discriminatory global sample
found this round if there is one (a new region), else from a random recent IDI: the walkers
spread over the frontier of everything found rather than digging one blob.

Proposals adapt: features, move kinds (a unit step, a larger jump, a random value) and
directions are chosen in proportion to their recent success rates raised to ``greed``
(smoothed, decayed each round), mixed with a uniform floor so nothing is ruled out.  The
global share follows the relative success of global samples and walkers (half each when they
are equal), between ``min_global`` and 1.  Rounds double in size from 256 candidates up to
``batch_size``, and are cut to the query budget left.  Continuous features step by
``continuous_step`` (1 %) of their range.

Parameters were tuned on Adult (decision tree and MLP, protected sex) and checked on the planted
bugs of ``tests/quality/test_fairness_search.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.errors import UsageError
from assay.fairness.schema import Schema
from assay.fairness.search.base import BaseSearch, SearchModel

__all__ = ["WalkSearch"]

UNIT, JUMP, RANDOM = 0, 1, 2
_N_MOVES = 3
_FIRST_ROUND = 256
_STATE_ARRAYS = (
    "pos",
    "origin",
    "changed",
    "alive",
    "stuck",
    "feat_try",
    "feat_hit",
    "dir_try",
    "dir_hit",
    "move_try",
    "move_hit",
    "pool",
    "pool_origin",
    "pool_changed",
)


class WalkSearch(BaseSearch):
    """Batched adaptive walkers with deduplication, restarts and a global share."""

    strategy = "walk"

    def __init__(
        self,
        *,
        schema: Schema,
        model: SearchModel,
        rng: np.random.Generator,
        threshold: float | None = None,
        data: np.ndarray | None = None,
        start: str = "auto",
        batch_size: int = 8192,
        patience: int = 1,
        min_global: float = 0.02,
        continuous_step: float = 0.01,
        decay: float = 0.9,
        greed: float = 4.0,
    ) -> None:
        super().__init__(
            schema=schema,
            model=model,
            rng=rng,
            threshold=threshold,
            data=data,
            start=start,
            batch_size=batch_size,
        )
        if patience < 1:
            raise UsageError(f"must be at least 1, not {patience}", argument="patience")
        if not 0 < min_global <= 1:
            raise UsageError(f"must be in (0, 1], not {min_global}", argument="min_global")
        if not 0 < continuous_step <= 1:
            raise UsageError(
                f"must be in (0, 1], not {continuous_step}", argument="continuous_step"
            )
        self.patience = int(patience)
        self.min_global = float(min_global)
        self.continuous_step = float(continuous_step)
        self.decay = float(decay)
        self.greed = float(greed)
        d = len(schema)
        lows, highs, disc = schema.lows, schema.highs, schema.discrete
        self._lows, self._highs, self._disc = lows, highs, disc
        span = highs - lows
        self._unit = np.where(disc, 1.0, np.maximum(span * continuous_step, 1e-12))
        self._jump_scale = np.maximum(1.0, 0.05 * span / self._unit)
        categorical = np.array([f.kind == "categorical" for f in schema.features])
        prior = np.where(categorical[:, None], [[0.3, 0.1, 0.6]], [[0.6, 0.3, 0.1]])
        self._move_prior = prior.astype(np.float64)
        self._movable = self.free[span[self.free] > 0]
        w = self.batch_size
        self.pos = np.zeros((w, d))
        self.origin = np.full(w, -1, dtype=np.int64)
        self.changed = np.full(w, -1, dtype=np.int64)
        self.alive = np.zeros(w, dtype=bool)
        self.stuck = np.zeros(w, dtype=np.int64)
        self.feat_try = np.zeros(d)
        self.feat_hit = np.zeros(d)
        self.dir_try = np.zeros((d, 2))
        self.dir_hit = np.zeros((d, 2))
        self.move_try = np.zeros((d, _N_MOVES))
        self.move_hit = np.zeros((d, _N_MOVES))
        self.pool = np.zeros((2 * w, d))
        self.pool_origin = np.full(2 * w, -1, dtype=np.int64)
        self.pool_changed = np.full(2 * w, -1, dtype=np.int64)
        self.pool_n = 0
        self.pool_next = 0
        self.rate_walk = 0.5
        self.rate_global = 0.5
        self.share = 1.0

    def parameters(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size,
            "walkers": self.batch_size,
            "patience": self.patience,
            "min_global": self.min_global,
            "continuous_step": self.continuous_step,
            "decay": self.decay,
            "greed": self.greed,
        }

    def capacity(self) -> int:
        """As the base, and at most the number of classes evaluated so far (at least 256):
        rounds double in size at the start, so walkers start early on small budgets."""
        cap = super().capacity()
        return min(cap, max(_FIRST_ROUND, self.ledger.generated))

    # -- one round -----------------------------------------------------------------------
    def _round(self, capacity: int) -> list[FindingBatch]:
        rng = self.rng
        active = np.flatnonzero(self.alive)
        if not len(self._movable):
            active = active[:0]
        n_global = min(capacity, max(int(np.ceil(self.share * capacity)), capacity - len(active)))
        n_walk = capacity - n_global
        if n_walk < len(active):
            active = np.sort(rng.choice(active, size=n_walk, replace=False))
        cand, feat, move, up = self._propose(active)
        g_rows, g_origin = self.starts.sample(rng, n_global)
        rows = np.concatenate([cand, g_rows])
        origin = np.concatenate([self.origin[active], g_origin])
        changed = np.concatenate(
            [
                self._changed_after(active, cand, feat),
                self.starts.n_changed(g_rows, g_origin, self.oracle.protected),
            ]
        )
        mutated = np.concatenate([feat, np.full(n_global, -1, dtype=np.int64)])

        keep = self.ledger.admit(self.oracle.class_keys(rows), capacity)
        disc = np.zeros(len(rows), dtype=bool)
        evaluated = np.zeros(len(rows), dtype=bool)
        found: list[FindingBatch] = []
        if len(keep) == len(rows):  # nothing seen before: no gathers needed
            verdicts = self.evaluate(rows)
            disc = verdicts.discriminatory.copy()
            evaluated[:] = True
            batch = self.report(verdicts, mutated, origin, rows, changed)
            if batch is not None:
                found.append(batch)
        elif len(keep):
            chosen = rows[keep]
            verdicts = self.evaluate(chosen)
            disc[keep] = verdicts.discriminatory
            evaluated[keep] = True
            batch = self.report(verdicts, mutated[keep], origin[keep], chosen, changed[keep])
            if batch is not None:
                found.append(batch)
        n = len(active)
        self._learn(feat, move, up, evaluated[:n], disc[:n])
        self._move(active, cand, changed[:n], disc[:n])
        self._remember(rows[disc], origin[disc], changed[disc])
        g_disc = np.flatnonzero(disc[n:]) + n
        self._restart(rows[g_disc], origin[g_disc], changed[g_disc])
        self._adapt_share(evaluated, disc, n)
        self.phase = "walk" if self.pool_n else "global"
        return found

    # -- proposals -----------------------------------------------------------------------
    def _propose(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One neighbour per active walker: (rows, feature, move kind, upward)."""
        rng = self.rng
        n = len(active)
        cand = self.pos[active].copy()
        if not n:
            z = np.zeros(0, dtype=np.int64)
            return cand, z, z.copy(), np.zeros(0, dtype=bool)
        movable = self._movable
        rate = ((self.feat_hit[movable] + 1.0) / (self.feat_try[movable] + 2.0)) ** self.greed
        p = 0.9 * rate / rate.sum() + 0.1 / len(movable)
        feat = movable[np.searchsorted(np.cumsum(p), rng.random(n) * p.sum()).clip(0, len(p) - 1)]
        mrate = ((self.move_hit + 1.0) / (self.move_try + 2.0)) ** self.greed * self._move_prior
        mcum = np.cumsum(mrate / mrate.sum(axis=1, keepdims=True), axis=1)[feat]
        move = (rng.random(n)[:, None] > mcum[:, :-1]).sum(axis=1).astype(np.int64)
        drate = (self.dir_hit + 1.0) / (self.dir_try + 2.0)
        p_up = np.clip(drate[:, 1] / drate.sum(axis=1), 0.05, 0.95)[feat]
        u = rng.random((2, n))
        up = u[0] < p_up
        sign = np.where(up, 1.0, -1.0)
        unit = self._unit[feat]
        steps = np.where(move == JUMP, 1.0 + np.floor(rng.exponential(self._jump_scale[feat])), 1.0)
        rows_i = np.arange(n)
        old = cand[rows_i, feat]
        lo, hi, disc = self._lows[feat], self._highs[feat], self._disc[feat]
        new = old + sign * unit * steps
        bounce = (new < lo) | (new > hi)
        new = np.where(bounce, old - sign * unit * steps, new)
        up = np.where(bounce, ~up, up)
        anywhere = lo + u[1] * (hi - lo + disc)
        new = np.where(move == RANDOM, anywhere, new)
        new = np.clip(np.where(disc, np.floor(new), new), lo, hi)
        cand[rows_i, feat] = new
        return cand, feat, move, up

    # -- bookkeeping ---------------------------------------------------------------------
    def _learn(
        self,
        feat: np.ndarray,
        move: np.ndarray,
        up: np.ndarray,
        evaluated: np.ndarray,
        disc: np.ndarray,
    ) -> None:
        d = len(self.schema)
        for a in (self.feat_try, self.feat_hit, self.dir_try, self.dir_hit):
            a *= self.decay
        self.move_try *= self.decay
        self.move_hit *= self.decay
        f, m, u, h = feat[evaluated], move[evaluated], up[evaluated], disc[evaluated]
        self.feat_try += np.bincount(f, minlength=d)
        self.feat_hit += np.bincount(f[h], minlength=d)
        flat_m = f * _N_MOVES + m
        self.move_try += np.bincount(flat_m, minlength=d * _N_MOVES).reshape(d, _N_MOVES)
        self.move_hit += np.bincount(flat_m[h], minlength=d * _N_MOVES).reshape(d, _N_MOVES)
        steps = m != RANDOM
        flat_d = f[steps] * 2 + u[steps]
        self.dir_try += np.bincount(flat_d, minlength=2 * d).reshape(d, 2)
        self.dir_hit += np.bincount(flat_d[h[steps]], minlength=2 * d).reshape(d, 2)

    def _move(
        self, active: np.ndarray, cand: np.ndarray, changed: np.ndarray, disc: np.ndarray
    ) -> None:
        winners = active[disc]
        self.pos[winners] = cand[disc]
        self.changed[winners] = changed[disc]
        self.stuck[winners] = 0
        self.stuck[active[~disc]] += 1

    def _changed_after(self, active: np.ndarray, cand: np.ndarray, feat: np.ndarray) -> np.ndarray:
        """Features changed from the origin row after each proposal (-1 without origin),
        updated from the walker's count: only the mutated feature can change it."""
        before: np.ndarray = self.changed[active]
        data = self.starts.data
        if data is None or not len(active):
            return before
        origin = self.origin[active]
        ref = data[np.maximum(origin, 0), feat]
        rows = np.arange(len(active))
        old = self.pos[active, feat]
        new = cand[rows, feat]
        after = before + (new != ref).astype(np.int64) - (old != ref).astype(np.int64)
        return np.where(origin < 0, -1, after)

    def _remember(self, rows: np.ndarray, origin: np.ndarray, changed: np.ndarray) -> None:
        """Add IDIs to the ring buffer of recent IDIs that restarts draw from."""
        size = len(self.pool)
        if len(rows) > size:
            rows, origin, changed = rows[-size:], origin[-size:], changed[-size:]
        slots = (self.pool_next + np.arange(len(rows))) % size
        self.pool[slots] = rows
        self.pool_origin[slots] = origin
        self.pool_changed[slots] = changed
        self.pool_next = int((self.pool_next + len(rows)) % size)
        self.pool_n = min(self.pool_n + len(rows), size)

    def _restart(
        self, fresh: np.ndarray, fresh_origin: np.ndarray, fresh_changed: np.ndarray
    ) -> None:
        """Restart dead or stuck walkers: fresh IDIs first, then recent IDIs from the pool."""
        need = np.flatnonzero(~self.alive | (self.stuck >= self.patience))
        if not len(need):
            return
        k = min(len(need), len(fresh))
        self.pos[need[:k]] = fresh[:k]
        self.origin[need[:k]] = fresh_origin[:k]
        self.changed[need[:k]] = fresh_changed[:k]
        rest = need[k:]
        if len(rest) and self.pool_n:
            pick = self.rng.integers(self.pool_n, size=len(rest))
            self.pos[rest] = self.pool[pick]
            self.origin[rest] = self.pool_origin[pick]
            self.changed[rest] = self.pool_changed[pick]
            self.alive[rest] = True
        elif len(rest):
            self.alive[rest] = False
        self.alive[need[:k]] = True
        self.stuck[need] = 0

    def _adapt_share(self, evaluated: np.ndarray, disc: np.ndarray, n_walk: int) -> None:
        """Give global samples the share of the round their success rate earns."""
        alpha = 0.3
        for part, attr in ((slice(0, n_walk), "rate_walk"), (slice(n_walk, None), "rate_global")):
            tried = int(np.count_nonzero(evaluated[part]))
            if tried:
                rate = np.count_nonzero(disc[part]) / tried
                setattr(self, attr, (1 - alpha) * getattr(self, attr) + alpha * rate)
        if not self.pool_n:
            self.share = 1.0
            return
        total = self.rate_walk + self.rate_global
        # equal rates: half and half; global samples far worse than walkers: min_global
        share = 0.5 * (2 * self.rate_global / total) ** 2 if total > 0 else 1.0
        self.share = float(np.clip(share, self.min_global, 1.0))

    # -- checkpoints ---------------------------------------------------------------------
    def _state(self) -> Snapshot:
        return Snapshot(
            values={
                "pool_n": self.pool_n,
                "pool_next": self.pool_next,
                "rate_walk": self.rate_walk,
                "rate_global": self.rate_global,
                "share": self.share,
            },
            arrays={name: getattr(self, name).copy() for name in _STATE_ARRAYS},
        )

    def _set_state(self, snap: Snapshot) -> None:
        v = snap.values
        self.pool_n = int(v.get("pool_n", 0))
        self.pool_next = int(v.get("pool_next", 0))
        self.rate_walk = float(v.get("rate_walk", 0.5))
        self.rate_global = float(v.get("rate_global", 0.5))
        self.share = float(v.get("share", 1.0))
        for name in _STATE_ARRAYS:
            if name in snap.arrays:
                setattr(self, name, np.array(snap.arrays[name], copy=True))
