"""The walk's proposals (``walk.WalkSearch``): one neighbour per active walker, a feature, a
move kind (a unit step, a larger jump, a random value) and a direction drawn by their recent
success; in query mode steps stay inside each walker's box and follow the success of unit
steps from the same value (``WalkMoves``), and the tables that query mode learns from failed
and successful steps (``_learn_cross``, ``_narrow``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.core import jit
from assay.fairness.lattice import snap

if TYPE_CHECKING:
    from assay.fairness.schema import Schema
    from assay.fairness.search.base import Ledger

__all__ = ["JUMP", "KERNEL", "N_MOVES", "RANDOM", "UNIT", "WalkMoves"]

UNIT, JUMP, RANDOM = 0, 1, 2
N_MOVES = 3
KERNEL = "assay.fairness.search.walkkernel"  # compiled proposals (``core.jit``)


class WalkMoves:
    """Where the walkers step next (a part of ``walk.WalkSearch``)."""

    rng: np.random.Generator
    schema: Schema
    ledger: Ledger
    starts: Any
    greed: float
    pos: np.ndarray
    origin: np.ndarray
    changed: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    feat_try: np.ndarray
    feat_hit: np.ndarray
    dir_try: np.ndarray
    dir_hit: np.ndarray
    move_try: np.ndarray
    move_hit: np.ndarray
    cross_try: np.ndarray
    cross_hit: np.ndarray
    _movable: np.ndarray
    _move_prior: np.ndarray
    _unit: np.ndarray
    _jump_scale: np.ndarray
    _lows: np.ndarray
    _highs: np.ndarray
    _disc: np.ndarray
    _lattice: np.ndarray
    _snapped: bool
    _bins: np.ndarray
    _n_bins: int
    _changed_after: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

    def _propose(
        self, active: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One neighbour per active walker: (rows, feature, move kind, upward, features
        changed from the origin row).  In one compiled loop once the search is large
        (``walkkernel``: the same proposals from the same draws)."""
        rng = self.rng
        n = len(active)
        if not n:
            z = np.zeros(0, dtype=np.int64)
            return np.zeros((0, len(self.schema))), z, z.copy(), np.zeros(0, dtype=bool), z.copy()
        movable = self._movable
        rate = ((self.feat_hit[movable] + 1.0) / (self.feat_try[movable] + 2.0)) ** self.greed
        p = 0.9 * rate / rate.sum() + 0.1 / len(movable)
        mrate = ((self.move_hit + 1.0) / (self.move_try + 2.0)) ** self.greed * self._move_prior
        mcum = np.cumsum(mrate / mrate.sum(axis=1, keepdims=True), axis=1)
        drate = (self.dir_hit + 1.0) / (self.dir_try + 2.0)
        p_up_of = np.clip(drate[:, 1] / drate.sum(axis=1), 0.05, 0.95)
        kernel = jit.compiled(KERNEL, wait=False) if self.ledger.admitted >= jit.LARGE else None
        if kernel is not None:
            # the same draws, in the same order: feature, move, direction and random value
            # (four uniforms each), then the jump lengths
            draws = np.empty((5, n))
            rng.random(out=draws[:4])
            rng.standard_exponential(out=draws[4])
            tables = (
                self._unit,
                self._jump_scale,
                self._lows,
                self._highs,
                self._disc,
                self._lattice,
            )
            out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
            out = kernel.propose(
                self.pos,
                active,
                movable,
                np.cumsum(p),
                p.sum(),
                draws,
                mcum,
                p_up_of,
                tables,
                self.starts.data,
                self.origin,
                self.changed,
            )
            return out
        cand = np.take(self.pos, active, axis=0)  # (a copy)
        feat = movable[np.searchsorted(np.cumsum(p), rng.random(n) * p.sum()).clip(0, len(p) - 1)]
        r = rng.random(n)
        move = (r > mcum[feat, 0]).astype(np.int64) + (r > mcum[feat, 1])
        p_up = p_up_of[feat]
        u = rng.random((2, n))
        up = u[0] < p_up
        sign = np.where(up, 1.0, -1.0)
        unit = self._unit[feat]
        # (the same draws as rng.exponential(scale), without its per-element broadcasting)
        jump = rng.standard_exponential(n) * self._jump_scale[feat]
        steps = np.where(move == JUMP, 1.0 + np.floor(jump), 1.0)
        rows_i = np.arange(n)
        old = cand[rows_i, feat]
        lo, hi, disc = self._lows[feat], self._highs[feat], self._disc[feat]
        new = old + sign * unit * steps
        bounce = (new < lo) | (new > hi)
        new = np.where(bounce, old - sign * unit * steps, new)
        up = np.where(bounce, ~up, up)
        anywhere = lo + u[1] * (hi - lo + disc)
        new = np.where(move == RANDOM, anywhere, new)
        new = np.minimum(np.maximum(self._settled(new, feat, disc), lo), hi)
        cand[rows_i, feat] = new
        return cand, feat, move, up, self._changed_after(active, cand, feat)

    def _propose_boxed(
        self, active: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Query mode: as ``_propose``, with two more pieces of knowledge.  Steps stay inside
        each walker's box (the range around it where no step has failed yet): a feature
        pinned on both sides is chosen a tenth as often, a step goes towards the side with
        room and a jump stops at the box's edge.  And features and directions are weighted by
        the success of unit steps taken from the walker's value of the feature, in that
        direction, by any walker (``cross_hit / cross_try`` per feature, value bin and
        direction, raised to ``greed``): where a tree splits or a boundary lies, steps fail,
        whoever takes them.  Random values ignore both."""
        rng = self.rng
        n = len(active)
        cand = self.pos[active].copy()
        if not n:
            z = np.zeros(0, dtype=np.int64)
            return cand, z, z.copy(), np.zeros(0, dtype=bool)
        movable = self._movable
        rows_i = np.arange(n)
        pos = cand[:, movable]
        box_lo, box_hi = self.box_lo[active][:, movable], self.box_hi[active][:, movable]
        room_up, room_dn = box_hi > pos, box_lo < pos
        rate = ((self.feat_hit[movable] + 1.0) / (self.feat_try[movable] + 2.0)) ** self.greed
        p = 0.9 * rate / rate.sum() + 0.1 / len(movable)
        w = p[None, :] * np.where(room_up | room_dn, 1.0, 0.1)
        # each feature's weight times how well unit steps from this value went, either way
        b = self._bin(movable, pos)  # (n, m)
        ct, ch = self.cross_try[movable[None, :], b], self.cross_hit[movable[None, :], b]
        cr = (ch + 1.0) / (ct + 2.0)  # (n, m, 2): down, up
        cr = cr * np.stack([room_dn | ~room_up, room_up | ~room_dn], axis=2)
        cr = np.maximum(cr, 1e-3) ** self.greed
        w = w * cr.sum(axis=2) / np.maximum(cr.sum(axis=2).max(axis=1, keepdims=True), 1e-300)
        cum = np.cumsum(w, axis=1)
        pick = (cum < rng.random(n)[:, None] * cum[:, -1:]).sum(axis=1).clip(0, len(movable) - 1)
        feat = movable[pick]
        mrate = ((self.move_hit + 1.0) / (self.move_try + 2.0)) ** self.greed * self._move_prior
        mcum = np.cumsum(mrate / mrate.sum(axis=1, keepdims=True), axis=1)[feat]
        move = (rng.random(n)[:, None] > mcum[:, :-1]).sum(axis=1).astype(np.int64)
        drate = (self.dir_hit + 1.0) / (self.dir_try + 2.0)
        p_up = np.clip(drate[:, 1] / drate.sum(axis=1), 0.05, 0.95)[feat]
        u = rng.random((2, n))
        can_up, can_dn = room_up[rows_i, pick], room_dn[rows_i, pick]
        c = cr[rows_i, pick]
        p_up = 0.5 * p_up + 0.5 * c[:, 1] / np.maximum(c.sum(axis=1), 1e-300)
        up = np.where(can_up != can_dn, can_up, u[0] < p_up)
        sign = np.where(up, 1.0, -1.0)
        unit = self._unit[feat]
        # (the same draws as rng.exponential(scale), without its per-element broadcasting)
        jump = rng.standard_exponential(n) * self._jump_scale[feat]
        steps = np.where(move == JUMP, 1.0 + np.floor(jump), 1.0)
        old = cand[rows_i, feat]
        lo, hi, disc = self._lows[feat], self._highs[feat], self._disc[feat]
        new = old + sign * unit * steps
        inside = can_up | can_dn
        new = np.where(inside, np.clip(new, box_lo[rows_i, pick], box_hi[rows_i, pick]), new)
        bounce = (new < lo) | (new > hi)
        new = np.where(bounce, old - sign * unit * steps, new)
        up = np.where(bounce, ~up, up)
        anywhere = lo + u[1] * (hi - lo + disc)
        new = np.where(move == RANDOM, anywhere, new)
        new = np.clip(self._settled(new, feat, disc), lo, hi)
        cand[rows_i, feat] = new
        return cand, feat, move, up

    def _settled(self, new: np.ndarray, feat: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """New values of features ``feat``: whole numbers for discrete features, continuous
        ones on their lattice (``fairness.lattice``: a step up and back gives the value it
        left, not one differing from it by float rounding)."""
        whole = np.floor(new)
        if not self._snapped:
            return np.where(disc, whole, new)
        return np.where(disc, whole, snap(new, self._lattice[feat]))

    def _bin(self, feat: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Value bin of each value of the given features (for the step success table)."""
        lo, span = self._lows[feat], self._highs[feat] - self._lows[feat]
        frac = (values - lo) / np.maximum(span, 1e-300)
        out: np.ndarray = np.clip(
            np.floor(frac * (self._bins[feat] - 1) + 0.5), 0, self._n_bins - 1
        ).astype(np.int64)
        return out

    def _learn_cross(
        self,
        active: np.ndarray,
        feat: np.ndarray,
        move: np.ndarray,
        up: np.ndarray,
        evaluated: np.ndarray,
        disc: np.ndarray,
    ) -> None:
        """Query mode: count unit steps and their successes per feature, the value they left
        and direction (where a tree splits, or a boundary lies, steps fail)."""
        sel = np.flatnonzero(evaluated & (move == UNIT))
        if not len(sel):
            return
        j = feat[sel]
        b = self._bin(j, self.pos[active[sel], j])
        flat = (j * self._n_bins + b) * 2 + up[sel].astype(np.int64)
        # counted where they fall (a table of every feature's bins per round was O(features))
        np.add.at(self.cross_try.reshape(-1), flat, 1.0)
        np.add.at(self.cross_hit.reshape(-1), flat[disc[sel]], 1.0)

    def _narrow(
        self,
        active: np.ndarray,
        cand: np.ndarray,
        feat: np.ndarray,
        move: np.ndarray,
        up: np.ndarray,
        failed: np.ndarray,
    ) -> None:
        """Query mode: a failed step shrinks its walker's box on that side, to just short of
        the value that failed (random values teach the box nothing)."""
        sel = np.flatnonzero(failed & (move != RANDOM))
        if not len(sel):
            return
        w, j = active[sel], feat[sel]
        new, here, unit = cand[sel, j], self.pos[w, j], self._unit[j]
        rise = up[sel]
        wu, ju = w[rise], j[rise]
        self.box_hi[wu, ju] = np.maximum(
            np.minimum(self.box_hi[wu, ju], new[rise] - unit[rise]), here[rise]
        )
        wd, jd = w[~rise], j[~rise]
        self.box_lo[wd, jd] = np.minimum(
            np.maximum(self.box_lo[wd, jd], new[~rise] + unit[~rise]), here[~rise]
        )
