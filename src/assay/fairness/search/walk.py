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
are equal), between ``min_global`` and 1.  Rounds double in size from 64 candidates up to
``batch_size``, and are cut to the query budget left.  Continuous features step by
``continuous_step`` (1 %) of their range.

Rounds overlap the model: each step launches round t + 1 (proposals, deduplication, a model
call submitted through the ``BudgetedModel``'s caller) before it reads the answers of round t
and lets its walkers learn from them.  Walkers of the round in flight sit the next round out
(there are twice ``batch_size`` walkers).  With a background caller the model answers one
round while the search prepares the next; with inline calls the search computes the same.

Query cost (``optimize``): "time" runs the rounds above (most IDIs per second on a fast local
model); "queries" runs the walk in its most query-efficient setting: small rounds (64
candidates) so walkers learn after every few queries, walkers patient for two failures,
proposals twice as greedy, and three things learnt from every query: each walker keeps a box
(a failed step bounds its range on that side of that feature, and later steps stay inside,
as they would inside a tree's leaf), unit steps are weighted by their success from the same
value of the same feature in the same direction (by any walker: where a model splits or a
boundary lies, steps fail), and the global share follows success rates counted over recent
rounds (decayed), ``0.5 (2 r_global / (r_walk + r_global)) ** 4``, down to 0.2 %, and is never
topped up to fill a round.  This finds more IDIs per query at the cost of more, smaller model
calls and more work per candidate.  "auto" (the default) takes "queries" for a query
budget of at most ``small_budget`` (100,000) queries, which the query mode spends in a few
seconds anyway, and for a model served over the network (``capabilities.remote``: each query
is a request and may be billed).  Otherwise it measures the model.  Under a larger query
budget (the queries bound the run) it switches to "queries" after the first round when a
model call took at least ``slow_call`` seconds (20 ms) or ``slow_query`` seconds per query
(100 us): a slow model, where the queries are the cost.  Under a time budget alone (the run's
seconds are the cost: IDIs per second is the aim) it measures the queries' cost as the rounds
grow: a round whose queries took under ``slow_query`` each settles on "time"; one that took
longer settles on "queries" when it held ``measure_queries`` (4,096) queries or took
``slow_batch`` seconds (1 s): a model whose queries stay slow in large calls, where more IDIs
per query are also more per second; else it measures again on the next, larger round.
Under a time budget, a model with a large fixed cost per call (a forest or a boosted model
in scikit-learn: 10-40 ms a call, a few us a row) is cheap per query in large batches and
stays in the time mode.  The choice is made once, kept across resumes, and reported
(``summary()["optimize"]`` and ``"optimize_note"``); pin it with ``optimize="queries"`` or
``"time"`` for runs that must give the same findings whatever the machine's speed.

Variants (``variants``): with K > 2 protected combinations, each input is queried with its own
combination and the ``variants - 1`` others (default 1) most likely to flip its label, learnt
online per own value from every variant queried (untried variants count as promising; ties go
to the farthest values), so an input costs ``variants`` queries rather than K; a finding holds
the variants queried.  ``variants="all"`` queries every combination, as "auto" does when the
space is small and discrete and the budget pays for every input with every combination (else
"space covered" would mean each input was compared with one other value only).

Parameters were tuned on Adult (decision tree and MLP, protected sex) and checked on the planted
bugs of ``tests/quality/test_fairness_search.py``; the query mode's (one setting for all data)
on Adult, German and COMPAS with decision trees, logistic regression and MLPs, and checked on
forests and gradient boosting (``bench/RESULTS-matrix.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core import jit
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.model import labels_of
from assay.errors import BudgetExhausted, UsageError
from assay.fairness.lattice import snap
from assay.fairness.oracle import PendingVerdicts, Verdicts
from assay.fairness.schema import Schema
from assay.fairness.search.base import FILL_SPACE, BaseSearch, Ledger, SearchModel
from assay.fairness.search.walk_moves import KERNEL, N_MOVES, RANDOM, WalkMoves

__all__ = ["OPTIMIZE", "WalkSearch"]

_FIRST_ROUND = 64
_QUERY_BATCH = 64
_FIRST_QUERY_ROUND = 16  # query mode: fewer global samples before the first answers
_ALL_VARIANTS_QUERIES = 1_000_000  # no query budget: every variant when the space takes fewer
OPTIMIZE = ("auto", "queries", "time", "time-then-queries")
# what ``auto`` did for a slow model under a query budget: its first round for speed, then
# query-efficient; a rerun command names it (``core.runinfo._pinned``), so that the same
# seed gives the same findings without timing the model again
SWITCHED = "time-then-queries"
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
    "var_try",
    "var_hit",
    "part_try",
    "part_hit",
)
_BOX = ("box_lo", "box_hi", "cross_try", "cross_hit")  # saved in query mode only
_SHARE_DECAY = 0.97  # query mode: per round, for the success rates behind the global share
_SHARE_POWER = 4.0  # query mode: global share = 0.5 (2 r_global / (r_walk + r_global)) ** this
_QUERY_MIN_GLOBAL = 0.002
_CROSS_BINS = 128  # query mode: value bins per feature for the step success table
_WALKER_CELLS = 1 << 22  # walkers x features in one walker array (32 MB of float64)
_CONDITIONAL_K = 512  # up to this many combinations, flip rates are learnt per own value
_DISTANCE_K = 1024  # up to this many combinations, their distances are one (K, K) matrix (8 MB)


@dataclass
class _Flight:
    """A round whose model call was submitted: what landing it needs."""

    active: np.ndarray  # walkers that proposed
    cand: np.ndarray  # their proposals (the first len(active) rows)
    feat: np.ndarray
    move: np.ndarray
    up: np.ndarray
    rows: np.ndarray  # proposals, then global samples
    origin: np.ndarray
    changed: np.ndarray
    mutated: np.ndarray
    keep: np.ndarray  # positions in rows admitted (never seen before)
    pending: PendingVerdicts | None = None  # the model call, until received
    disc: np.ndarray | None = None  # per row, once received
    evaluated: np.ndarray | None = None
    combos: np.ndarray | None = None  # (admitted, m) combinations queried, when ranked
    flips: np.ndarray | None = None  # (admitted, m) whether each variant's label flipped
    own: np.ndarray | None = None  # (admitted,) position of each row's own combination

    _SAVED = ("active", "cand", "feat", "move", "up", "rows", "origin", "changed", "disc")
    _RANKED = ("combos", "flips", "own")


def _measured(latency: dict[str, float] | None) -> str:
    """What the time mode's note says auto measured: the cost of a query, and the size of
    the call it was timed on where known (a run stored before the size was kept under a
    query budget said "in a call of 0 queries")."""
    if not latency:
        return ""
    per = f"{1e6 * latency['seconds_per_query']:,.1f} us a query"
    size = latency.get("queries_per_call")
    return f" ({per} in a call of {size:,.0f} queries)" if size else f" ({per})"


class WalkSearch(WalkMoves, BaseSearch):
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
        seen_memory: int | None = None,
        optimize: str = "auto",
        slow_call: float = 0.02,
        slow_query: float = 100e-6,
        slow_batch: float = 1.0,
        measure_queries: int = 4096,
        small_budget: int = 100_000,
        variants: int | str = "auto",
    ) -> None:
        if optimize not in OPTIMIZE:
            raise UsageError(
                f"must be one of {', '.join(OPTIMIZE)}, not {optimize!r}", argument="--optimize"
            )
        left = model.remaining()
        small = optimize == "auto" and left is not None and left <= small_budget
        remote = optimize == "auto" and bool(getattr(model.capabilities, "remote", False))
        if optimize == "queries" or small or remote:
            batch_size, patience = min(batch_size, _QUERY_BATCH), max(patience, 2)
            min_global, greed = min(min_global, _QUERY_MIN_GLOBAL), 2 * greed
        super().__init__(
            schema=schema,
            model=model,
            rng=rng,
            threshold=threshold,
            data=data,
            start=start,
            batch_size=batch_size,
            seen_memory=seen_memory,
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
        # continuous values and units on the features' lattices (``fairness.lattice``)
        self._lattice = schema.lattice
        self._snapped = bool(self._lattice.any())
        unit = np.where(disc, 1.0, np.maximum(span * continuous_step, 1e-12))
        on = snap(unit, self._lattice)
        self._unit = np.where(on > 0, on, unit)
        self._jump_scale = np.maximum(1.0, 0.05 * span / self._unit)
        categorical = np.array([f.kind == "categorical" for f in schema.features])
        prior = np.where(categorical[:, None], [[0.3, 0.1, 0.6]], [[0.6, 0.3, 0.1]])
        self._move_prior = prior.astype(np.float64)
        self._movable = self.free[span[self.free] > 0]
        # each walker holds a row (and in query mode a box): at most _WALKER_CELLS values an
        # array, so that 100,000 features take 40 walkers, not 16,384 (13 GB an array)
        self.batch_size = max(1, min(self.batch_size, _WALKER_CELLS // max(2 * d, 1)))
        w = 2 * self.batch_size  # half of them may be waiting for the model
        self.pos = np.zeros((w, d))
        self.origin = np.full(w, -1, dtype=np.int64)
        self.changed = np.full(w, -1, dtype=np.int64)
        self.alive = np.zeros(w, dtype=bool)
        self.stuck = np.zeros(w, dtype=np.int64)
        # query mode: per walker, the box its steps stay in (narrowed by failed steps)
        self.box_lo = np.tile(lows, (w, 1))
        self.box_hi = np.tile(highs, (w, 1))
        # query mode: success of unit steps per feature, value bin and direction
        self._bins = np.minimum(np.floor(span / self._unit) + 1, _CROSS_BINS).astype(np.int64)
        self._n_bins = int(self._bins.max()) if d else 1  # (100,000 features of 4 values)
        self.cross_try = np.zeros((d, self._n_bins, 2))
        self.cross_hit = np.zeros((d, self._n_bins, 2))
        self.busy = np.zeros(w, dtype=bool)  # proposed in the round in flight
        self.feat_try = np.zeros(d)
        self.feat_hit = np.zeros(d)
        self.dir_try = np.zeros((d, 2))
        self.dir_hit = np.zeros((d, 2))
        self.move_try = np.zeros((d, N_MOVES))
        self.move_hit = np.zeros((d, N_MOVES))
        self.pool = np.zeros((w, d))
        self.pool_origin = np.full(w, -1, dtype=np.int64)
        self.pool_changed = np.full(w, -1, dtype=np.int64)
        self.pool_n = 0
        self.pool_next = 0
        self.rate_walk = 0.5
        self.rate_global = 0.5
        self.part_try = np.zeros(2)  # query mode: decayed tries of walkers, global samples
        self.part_hit = np.zeros(2)
        self.share = 1.0
        self._flight: _Flight | None = None
        self._halt: BudgetExhausted | None = None
        self.optimize = optimize
        # "auto": queries for a small query budget or a served model (decided now), else
        # decided after the first round (a query budget) or as the rounds grow (time alone)
        early = small or remote
        self.mode = "queries" if early else ("time" if optimize in ("auto", SWITCHED) else optimize)
        self.switched = False  # went from "time" to "queries" after measuring (or as pinned)
        self.small_budget = int(small_budget)
        self.why = (
            # (the budget this search has: with --units, each unit's share of the run's)
            f"a small query budget ({left:,} {'query' if left == 1 else 'queries'})"
            if small and left is not None
            else "a small query budget"
            if small
            else "a model served over the network (each query is a request and may be billed)"
            if remote
            else ""
        )
        self.slow_call = float(slow_call)
        self.slow_query = float(slow_query)
        self.slow_batch = float(slow_batch)
        self._query_budget = left is not None  # else the run is bounded by time alone
        self.measure_queries = int(measure_queries)
        self.latency: dict[str, float] | None = None
        self._mark = (0, 0.0)  # ledger queries and model seconds when last measured
        self.measured = 0  # rounds "auto" timed (its switch after the first: a rerun pins it)
        self.variants = self._variants(variants)
        if self.variants < self.K:  # room in the ledger for the classes the budget pays for
            self.per_class = self.variants
            self.ledger = Ledger(
                len(schema), capacity=self._expected_classes(), max_keys=self.max_classes
            )
        g = self.K if self.K <= _CONDITIONAL_K else 1
        self.var_try = np.zeros((g, self.K))
        self.var_hit = np.zeros((g, self.K))
        self._distance = self._combo_distance() if self.variants < self.K else None

    def _variants(self, variants: int | str) -> int:
        """Variants queried per input (its own included): all K, or ``variants``."""
        if variants == "all":
            return self.K
        if variants == "auto":
            # a small discrete space the budget pays for with every variant: all of them, so
            # that covering the space compares each input with every protected value
            left = self.model.remaining()
            room = _ALL_VARIANTS_QUERIES if left is None else left
            if self.space is not None and self.space * self.K <= room:
                return self.K
            return min(self.K, 2)
        if isinstance(variants, str) or not isinstance(variants, (int, np.integer)):
            raise UsageError(
                f"must be auto, all or a whole number, not {variants!r}", argument="variants"
            )
        if variants < 2:
            raise UsageError(f"must be at least 2, not {variants}", argument="variants")
        return min(int(variants), self.K)

    def _combo_distance(self) -> np.ndarray | None:
        """(K, K) distance between protected combinations (sum of |code differences| over
        each attribute's range): ties between equally promising variants go to the farthest.
        None for more than ``_DISTANCE_K`` combinations: each row is computed when ranked
        (``_distance_from``; a protected attribute of 200,000 values asked for a 298 GiB
        matrix, and one of 20,000 for 3 GiB and its temporaries)."""
        if self.K > _DISTANCE_K:
            return None
        c = self.oracle.combinations
        out: np.ndarray = (np.abs(c[:, None, :] - c[None, :, :]) / self._span()).sum(axis=2)
        return out

    def _span(self) -> np.ndarray:
        span: np.ndarray = np.maximum(self.schema.highs - self.schema.lows, 1.0)
        return span[self.oracle.protected]

    def _distance_from(self, g: int) -> np.ndarray:
        """Row ``g`` of ``_combo_distance``: the distance of combination ``g`` to each."""
        if self._distance is not None:
            whole: np.ndarray = self._distance[g]
            return whole
        c = self.oracle.combinations
        row: np.ndarray = (np.abs(c - c[g]) / self._span()).sum(axis=1)
        return row

    def _decide(self) -> None:
        """Automatic mode: measure what the model's calls cost and settle on a mode (once;
        kept across resumes).  Under a query budget, "queries" for a slow call (the first
        round's); under a time budget alone, "time" for queries that are cheap in batches,
        "queries" for a model whose queries stay slow however they are batched."""
        led = self.ledger
        if self.optimize == SWITCHED and self.mode == "time":  # as auto switched, untimed
            if led.queries - self._mark[0] > 0:
                self._mark = (led.queries, led.model_seconds)
                self.why = "as --optimize time-then-queries says (auto's choice for a slow model)"
                self._to_queries_mode()
            return
        if self.optimize != "auto" or self.mode == "queries" or self.latency is not None:
            return
        queries, seconds = led.queries - self._mark[0], led.model_seconds - self._mark[1]
        if queries <= 0:
            return
        self._mark = (led.queries, led.model_seconds)
        self.measured += 1
        per_query = seconds / queries
        if self._query_budget:  # queries bound the run: a slow call settles it at once
            self.latency = {
                "seconds_per_call": seconds,
                "seconds_per_query": per_query,
                "queries_per_call": float(queries),
            }
            if seconds >= self.slow_call or per_query >= self.slow_query:
                self.why = f"a slow model (a call took {1000 * seconds:.1f} ms)"
                self._to_queries_mode()
            return
        slow = seconds >= self.slow_batch or queries >= self.measure_queries
        if per_query >= self.slow_query and not slow:
            return  # slow so far, but larger calls may be cheaper per query: measure again
        self.latency = {
            "seconds_per_call": seconds,
            "seconds_per_query": per_query,
            "queries_per_call": float(queries),
        }
        if per_query >= self.slow_query:
            self.why = (
                f"a slow model ({1e6 * per_query:,.0f} us a query in a call of {queries:,} queries)"
            )
            self._to_queries_mode()

    def _to_queries_mode(self) -> None:
        self.mode = "queries"
        self.switched = True
        self.batch_size = min(self.batch_size, _QUERY_BATCH)
        self.patience = max(self.patience, 2)
        self.min_global = min(self.min_global, _QUERY_MIN_GLOBAL)
        self.greed = 2 * self.greed
        w = 2 * self.batch_size
        if len(self.pos) > w and not self.busy[w:].any():
            self._shrink(w)

    def _shrink(self, w: int) -> None:
        """Keep ``w`` walkers (the first) and the ``w`` most recent IDIs of the pool."""
        for name in ("pos", "origin", "changed", "alive", "stuck", "busy", "box_lo", "box_hi"):
            setattr(self, name, getattr(self, name)[:w].copy())
        size = len(self.pool)
        keep = min(self.pool_n, w)
        recent = (self.pool_next - keep + np.arange(keep)) % size
        for name in ("pool", "pool_origin", "pool_changed"):
            old = getattr(self, name)
            new = np.zeros((w, *old.shape[1:]), dtype=old.dtype)
            if name != "pool":
                new[:] = -1
            new[:keep] = old[recent]
            setattr(self, name, new)
        self.pool_n, self.pool_next = keep, keep % w

    def parameters(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size,
            "walkers": len(self.pos),
            "patience": self.patience,
            "min_global": self.min_global,
            "continuous_step": self.continuous_step,
            "decay": self.decay,
            "greed": self.greed,
            "max_classes": self.max_classes,
            "optimize": self.optimize,
            "variants": self.variants,
        }

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["optimize"] = self.mode
        if self.switched:  # after its first round: a rerun pins that, not "queries"
            out["optimize_switched"] = True
            if self.optimize == "auto" and self.measured:  # (none: as pinned)
                # the round it switched after: under a time budget alone, auto may time
                # several before it settles, which no pinned mode repeats
                out["optimize_switched_round"] = self.measured
        out["variants_per_input"] = self.variants
        if self.optimize == "auto":
            out["optimize_note"] = (
                f"automatic: {self.why or 'a small query budget'}, so the search spent its "
                "queries sparingly (query-efficient mode)"
                if self.mode == "queries"
                else "automatic: a fast model and a large budget, so the search ran for IDIs "
                "per second" + _measured(self.latency)
            )
        elif self.optimize == SWITCHED and self.mode == "queries":
            out["optimize_note"] = (
                "as --optimize time-then-queries says: its first round for speed, then the "
                "queries spent sparingly (query-efficient mode; what automatic mode does for a "
                "slow model)"
            )
        return out

    def capacity(self) -> int:
        """As the base, and at most the number of classes admitted so far (at least 64):
        rounds double in size at the start, so walkers start early on small budgets."""
        cap = super().capacity()
        first = _FIRST_QUERY_ROUND if self.mode == "queries" else _FIRST_ROUND
        return min(cap, max(first, self.ledger.admitted))

    # -- one round -----------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return super().done and self._flight is None and self._halt is None

    def _round(self, capacity: int) -> list[FindingBatch]:
        """Launch round t + 1, then land round t: the model answers one round while the
        search prepares the next.  Walkers of the round in flight sit the next one out."""
        if self._halt is not None and self._flight is None:
            halt, self._halt = self._halt, None
            raise halt
        launched: _Flight | None = None
        if capacity > 0 and self._halt is None and not self._finished:
            try:
                launched = self._launch_round(capacity)
            except BudgetExhausted as exc:
                if self._flight is None:
                    raise
                # land the round in flight first; raise on the next step (a fresh exception:
                # the caught one's traceback would keep this search alive in a cycle)
                self._halt = BudgetExhausted(str(exc), reason=exc.reason)
        flight, self._flight = self._flight, launched
        if flight is None:
            return []
        found = self._receive(flight) if flight.disc is None else []
        self._apply(flight)
        return found

    def flush(self) -> list[FindingBatch]:
        """Read the answers of the round in flight and return its findings.  The walkers
        learn from them on the next step, after it launched its round, exactly as without a
        flush: where flushes happen (checkpoints) does not change what the search does."""
        f = self._flight
        if f is None or f.disc is not None:
            return []
        t0 = self.model.elapsed
        try:
            return self._receive(f)
        finally:
            self.ledger.seconds += self.model.elapsed - t0

    def _fills(self) -> bool:
        """Whether a round whose proposals were mostly classes seen before is filled with
        global samples (``BaseSearch._top_up``: the model asked in batches): not in the query
        mode over a space too large to be covered, where queries are the cost and the global
        share is the walk's own (filled, COMPAS's MLP, sex: 287 IDIs per 1,000 queries
        instead of 420; bench/RESULTS.md, bench40)."""
        return self.mode != "queries" or (self.space is not None and self.space <= FILL_SPACE)

    def _launch_round(self, capacity: int) -> _Flight:
        rng = self.rng
        active = np.flatnonzero(self.alive & ~self.busy)
        if self.mode == "queries":  # walkers past the query mode's number wait to be dropped
            active = active[active < 2 * self.batch_size]
        if not len(self._movable):
            active = active[:0]
        if self.mode == "queries" and len(active) and self.pool_n:
            # query mode: the global share as drawn (rounded at random), never topped up
            n_global = min(capacity, int(self.share * capacity + rng.random()))
        else:
            n_global = min(
                capacity, max(int(np.ceil(self.share * capacity)), capacity - len(active))
            )
        n_walk = capacity - n_global
        if n_walk < len(active):  # a random window of the idle walkers
            active = np.roll(active, -int(rng.integers(len(active))))[:n_walk]
        if self.mode == "queries":
            cand, feat, move, up = self._propose_boxed(active)
            walk_changed = self._changed_after(active, cand, feat)
        else:
            cand, feat, move, up, walk_changed = self._propose(active)
        g_rows, g_origin = self.starts.sample(rng, n_global)
        rows = np.concatenate([cand, g_rows])
        origin = np.concatenate([self.origin[active], g_origin])
        changed = np.concatenate(
            [walk_changed, self.starts.n_changed(g_rows, g_origin, self.oracle.protected)]
        )
        mutated = np.concatenate([feat, np.full(n_global, -1, dtype=np.int64)])
        keep = self.ledger.admit(self.oracle.class_keys(rows), capacity)
        extra, e_origin = self._top_up(len(keep), capacity if self._fills() else len(keep))
        if len(extra):  # more global samples, in the same model call
            keep = np.concatenate([keep, len(rows) + np.arange(len(extra))])
            rows, origin = np.concatenate([rows, extra]), np.concatenate([origin, e_origin])
            e_changed = self.starts.n_changed(extra, e_origin, self.oracle.protected)
            changed = np.concatenate([changed, e_changed])
            mutated = np.concatenate([mutated, np.full(len(extra), -1, dtype=np.int64)])
        flight = _Flight(active, cand, feat, move, up, rows, origin, changed, mutated, keep)
        if len(keep):
            kept = rows if len(keep) == len(rows) else np.take(rows, keep, axis=0)
            flight.combos = self._rank(kept) if self.variants < self.K else None
            flight.pending = self.launch(kept, flight.combos)
        self.busy[active] = True
        return flight

    def _rank(self, rows: np.ndarray) -> np.ndarray:
        """Per row, its own protected combination and the ``variants - 1`` others most likely
        to flip its label, by the flip rates learnt so far (from own value ``g`` to ``k``:
        (hits + 2 r_k) / (tries + 2), with r_k = (hits to k + 1) / (tries of k + 2) over all
        own values, so untried variants count as promising), ties to the farthest values.
        Returned in increasing combination order, shape (n, variants)."""
        own = self.oracle.generated_index(rows)
        hit, tried = self.var_hit, self.var_try
        r = (hit.sum(axis=0) + 1.0) / (tried.sum(axis=0) + 2.0)
        score = (hit + 2.0 * r) / (tried + 2.0)  # (G, K)
        groups = np.unique(own)
        top = np.zeros((self.K, self.variants), dtype=np.int64)
        for g in groups.tolist():
            s = score[g if len(score) > 1 else 0] + 1e-6 * self._distance_from(g)
            s[g] = np.inf  # the row's own value is always queried
            best = np.argsort(-s, kind="stable")[: self.variants]
            top[g] = np.sort(best)
        ranked: np.ndarray = top[own]
        return ranked

    def _receive(self, f: _Flight) -> list[FindingBatch]:
        """Wait for the round's verdicts; record them and turn IDIs into findings."""
        rows, keep = f.rows, f.keep
        f.disc = np.zeros(len(rows), dtype=bool)
        f.evaluated = np.zeros(len(rows), dtype=bool)
        pending, f.pending = f.pending, None
        if pending is None:
            return []
        verdicts = self.land(pending)
        if f.combos is not None:
            f.flips, f.own = self._flips(verdicts), verdicts.generated
        if len(keep) == len(rows):  # nothing seen before: no gathers needed
            f.disc[:] = verdicts.discriminatory
            f.evaluated[:] = True
            batch = self.report(verdicts, f.mutated, f.origin, rows, f.changed)
        else:
            f.disc[keep] = verdicts.discriminatory
            f.evaluated[keep] = True
            batch = self.report(
                verdicts, f.mutated[keep], f.origin[keep], pending.rows, f.changed[keep]
            )
        return [] if batch is None else [batch]

    def _flips(self, v: Verdicts) -> np.ndarray:
        """(n, m): whether each queried variant's label differs from the row's own (or, with
        a threshold, a class probability by more than it)."""
        out = v.outputs
        n, m = out.shape[:2]
        rows = np.arange(n)
        if out.ndim == 3:
            labels = labels_of(out.reshape(n * m, -1), self.model.capabilities).reshape(n, m)
        else:
            labels = out
        flips: np.ndarray = labels != labels[rows, v.generated][:, None]
        g = self.oracle.threshold
        if g is not None and out.ndim == 3:
            gap = np.abs(out - out[rows, v.generated][:, None, :]).max(axis=2)
            flips |= gap > g
        return flips

    def _learn_variants(self, f: _Flight) -> None:
        """Count, per own value and variant, how often querying the variant flipped."""
        if f.combos is None or f.flips is None or not len(f.combos):
            return
        g_count, k = self.var_try.shape
        assert f.own is not None
        own_pos = f.own
        n, m = f.combos.shape
        own = f.combos[np.arange(n), own_pos]
        other = np.ones((n, m), dtype=bool)
        other[np.arange(n), own_pos] = False
        g = (own if g_count > 1 else np.zeros(n, dtype=np.int64))[:, None]
        flat = (np.broadcast_to(g, (n, m)) * k + f.combos)[other]
        size = g_count * k
        self.var_try += np.bincount(flat, minlength=size).reshape(g_count, k)
        self.var_hit += np.bincount(flat[f.flips[other]], minlength=size).reshape(g_count, k)

    def _apply(self, f: _Flight) -> None:
        """Walkers move, restart and learn from a received round."""
        assert f.disc is not None and f.evaluated is not None
        rows, disc, evaluated = f.rows, f.disc, f.evaluated
        self._learn_variants(f)
        n = len(f.active)
        large = self.mode == "time" and self.ledger.admitted >= jit.LARGE
        kernel = jit.compiled(KERNEL, wait=False) if large else None
        need: np.ndarray | None = None
        if kernel is not None:  # learn, move and remember in one compiled loop
            need = self._settle(kernel, f)
        else:
            self.busy[f.active] = False
            self._learn(f.feat, f.move, f.up, evaluated[:n], disc[:n])
            if self.mode == "queries":
                self._narrow(f.active, f.cand, f.feat, f.move, f.up, evaluated[:n] & ~disc[:n])
                self._learn_cross(f.active, f.feat, f.move, f.up, evaluated[:n], disc[:n])
            self._move(f.active, f.cand, f.changed[:n], disc[:n])
            # (np.compress / np.take: row gathers several times faster than mask indexing)
            self._remember(np.compress(disc, rows, axis=0), f.origin[disc], f.changed[disc])
        g_disc = np.flatnonzero(disc[n:]) + n
        self._restart(np.take(rows, g_disc, axis=0), f.origin[g_disc], f.changed[g_disc], need=need)
        self._adapt_share(evaluated, disc, n)
        self.phase = "walk" if self.pool_n else "global"
        self._decide()
        w = 2 * self.batch_size
        if self.mode == "queries" and len(self.pos) > w and not self.busy[w:].any():
            self._shrink(w)  # switched while a larger round was in flight: now it has landed

    # -- bookkeeping ---------------------------------------------------------------------
    def _settle(self, kernel: Any, f: _Flight) -> np.ndarray:
        """``_learn``, ``_move`` and ``_remember`` of the time mode, in one compiled loop
        (``walkkernel.settle``: the same state, bit for bit); returns the walkers to restart."""
        assert f.disc is not None and f.evaluated is not None
        d = len(self.schema)
        self._decay()
        counts, written, need = kernel.settle(
            f.active,
            f.cand,
            f.feat,
            f.move,
            f.up,
            f.evaluated,
            f.disc,
            f.rows,
            f.origin,
            f.changed,
            (self.pos, self.changed, self.stuck, self.busy),
            (self.pool, self.pool_origin, self.pool_changed),
            self.pool_next,
            d,
            self.alive,
            self.patience,
        )
        self.feat_try += counts[0, :d]
        self.feat_hit += counts[1, :d]
        self.move_try += counts[2].reshape(d, N_MOVES)
        self.move_hit += counts[3].reshape(d, N_MOVES)
        self.dir_try += counts[4, : 2 * d].reshape(d, 2)
        self.dir_hit += counts[5, : 2 * d].reshape(d, 2)
        size = len(self.pool)
        self.pool_next = int((self.pool_next + written) % size)
        self.pool_n = min(self.pool_n + written, size)
        return need  # type: ignore[no-any-return]

    def _decay(self) -> None:
        """Older successes count less: every round, by ``decay``."""
        for a in (self.feat_try, self.feat_hit, self.dir_try, self.dir_hit):
            a *= self.decay
        self.move_try *= self.decay
        self.move_hit *= self.decay

    def _learn(
        self,
        feat: np.ndarray,
        move: np.ndarray,
        up: np.ndarray,
        evaluated: np.ndarray,
        disc: np.ndarray,
    ) -> None:
        d = len(self.schema)
        self._decay()
        f, m, u, h = feat[evaluated], move[evaluated], up[evaluated], disc[evaluated]
        self.feat_try += np.bincount(f, minlength=d)
        self.feat_hit += np.bincount(f[h], minlength=d)
        flat_m = f * N_MOVES + m
        self.move_try += np.bincount(flat_m, minlength=d * N_MOVES).reshape(d, N_MOVES)
        self.move_hit += np.bincount(flat_m[h], minlength=d * N_MOVES).reshape(d, N_MOVES)
        steps = m != RANDOM
        flat_d = f[steps] * 2 + u[steps]
        self.dir_try += np.bincount(flat_d, minlength=2 * d).reshape(d, 2)
        self.dir_hit += np.bincount(flat_d[h[steps]], minlength=2 * d).reshape(d, 2)

    def _move(
        self, active: np.ndarray, cand: np.ndarray, changed: np.ndarray, disc: np.ndarray
    ) -> None:
        winners = active[disc]
        self.pos[winners] = np.compress(disc, cand, axis=0)
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
        # the ring's slots pool_next, pool_next + 1, ... (mod size): at most two slices,
        # copied as blocks (a scatter of rows costs several times more)
        start, m = self.pool_next, len(rows)
        first = min(m, size - start)
        rings = ((self.pool, rows), (self.pool_origin, origin), (self.pool_changed, changed))
        for ring, new in rings:
            ring[start : start + first] = new[:first]
            ring[: m - first] = new[first:]
        self.pool_next = int((self.pool_next + len(rows)) % size)
        self.pool_n = min(self.pool_n + len(rows), size)

    def _restart(
        self,
        fresh: np.ndarray,
        fresh_origin: np.ndarray,
        fresh_changed: np.ndarray,
        need: np.ndarray | None = None,
    ) -> None:
        """Restart dead or stuck walkers (``need``, when known already): fresh IDIs first,
        then recent IDIs from the pool."""
        if need is None:
            need = np.flatnonzero((~self.alive | (self.stuck >= self.patience)) & ~self.busy)
        if not len(need):
            return
        k = min(len(need), len(fresh))
        self.pos[need[:k]] = fresh[:k]
        self.origin[need[:k]] = fresh_origin[:k]
        self.changed[need[:k]] = fresh_changed[:k]
        rest = need[k:]
        if len(rest) and self.pool_n:
            pick = self.rng.integers(self.pool_n, size=len(rest))
            self.pos[rest] = np.take(self.pool, pick, axis=0)
            self.origin[rest] = self.pool_origin[pick]
            self.changed[rest] = self.pool_changed[pick]
            self.alive[rest] = True
        elif len(rest):
            self.alive[rest] = False
        self.alive[need[:k]] = True
        self.stuck[need] = 0
        if self.mode == "queries":  # a fresh box at the new position
            self.box_lo[need] = self._lows
            self.box_hi[need] = self._highs

    def _adapt_share(self, evaluated: np.ndarray, disc: np.ndarray, n_walk: int) -> None:
        """Give global samples the share of the round their success rate earns."""
        if self.mode == "queries":
            self._adapt_share_counts(evaluated, disc, n_walk)
            return
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

    def _adapt_share_counts(self, evaluated: np.ndarray, disc: np.ndarray, n_walk: int) -> None:
        """Query mode: the same rule on success rates counted over recent rounds (decayed
        counts of walker proposals and global samples), not on one round's few samples."""
        tried = np.array(
            [np.count_nonzero(evaluated[:n_walk]), np.count_nonzero(evaluated[n_walk:])]
        )
        hit = np.array([np.count_nonzero(disc[:n_walk]), np.count_nonzero(disc[n_walk:])])
        self.part_try = _SHARE_DECAY * self.part_try + tried
        self.part_hit = _SHARE_DECAY * self.part_hit + hit
        self.rate_walk, self.rate_global = ((self.part_hit + 0.5) / (self.part_try + 1.0)).tolist()
        if not self.pool_n:
            self.share = 1.0
            return
        total = self.rate_walk + self.rate_global
        share = 0.5 * (2 * self.rate_global / total) ** _SHARE_POWER if total > 0 else 1.0
        self.share = float(np.clip(share, self.min_global, 1.0))

    # -- checkpoints ---------------------------------------------------------------------
    def _state(self) -> Snapshot:
        snap = self._own_state()
        f = self._flight
        if f is not None:  # received, not yet learnt from
            if f.disc is None or f.evaluated is None:
                raise RuntimeError("snapshot with a round in flight: flush first")
            snap.arrays.update({f"flight.{k}": getattr(f, k) for k in _Flight._SAVED})
            snap.arrays["flight.evaluated"] = f.evaluated
            for k in _Flight._RANKED:
                if getattr(f, k) is not None:
                    snap.arrays[f"flight.{k}"] = getattr(f, k)
        return snap

    def _own_state(self) -> Snapshot:
        return Snapshot(
            values={
                "pool_n": self.pool_n,
                "pool_next": self.pool_next,
                "rate_walk": self.rate_walk,
                "rate_global": self.rate_global,
                "share": self.share,
                "mode": self.mode,
                "latency": self.latency,
                "why": self.why,
                "measured": self.measured,
            },
            # the arrays themselves: the run copies a snapshot it keeps (core.run._detached);
            # copying them here too cost two copies of the walkers per checkpoint
            arrays={
                name: getattr(self, name)
                for name in (*_STATE_ARRAYS, *(_BOX if self.mode == "queries" else ()))
            },
        )

    def _set_state(self, snap: Snapshot) -> None:
        v = snap.values
        if v.get("mode") == "queries" and self.mode != "queries":
            # first: switching may shrink the fresh walkers and pool (and reset the pool's
            # counters), all of which the snapshot's own values then replace
            self._to_queries_mode()
        self.pool_n = int(v.get("pool_n", 0))
        self.pool_next = int(v.get("pool_next", 0))
        self.rate_walk = float(v.get("rate_walk", 0.5))
        self.rate_global = float(v.get("rate_global", 0.5))
        self.share = float(v.get("share", 1.0))
        lat = v.get("latency")
        self.latency = None if lat is None else {k: float(x) for k, x in dict(lat).items()}
        self.why = str(v.get("why", self.why))
        self.measured = int(v.get("measured", 0))
        self.box_lo = np.tile(self._lows, (len(self.pos), 1))
        self.box_hi = np.tile(self._highs, (len(self.pos), 1))
        for name in (*_STATE_ARRAYS, *_BOX):
            if name in snap.arrays:
                setattr(self, name, np.array(snap.arrays[name], copy=True))
        for name in ("cross_try", "cross_hit"):  # stored with 128 bins by earlier versions
            table = getattr(self, name)
            if table.ndim == 3 and table.shape[1] != self._n_bins:
                setattr(self, name, np.ascontiguousarray(table[:, : self._n_bins]))
        self.busy = np.zeros(len(self.pos), dtype=bool)
        self._flight, self._halt = None, None
        a = snap.arrays
        if "flight.rows" in a:
            empty = np.zeros(0, dtype=np.int64)
            f = _Flight(*(empty,) * 10)
            for k in (*_Flight._SAVED, "evaluated"):
                setattr(f, k, np.array(a[f"flight.{k}"], copy=True))
            for k in _Flight._RANKED:
                if f"flight.{k}" in a:
                    setattr(f, k, np.array(a[f"flight.{k}"], copy=True))
            self._flight = f
            self.busy[f.active] = True
