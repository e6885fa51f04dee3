"""``walk`` (assay's default, and ``harvest``/``explore``): many walkers per round, word
swaps and subtree re-derivations steered toward the productions most associated with
errors, screened by a ridge-regression surrogate of failing on production counts."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from assay.text.engine import Engine, Evaluated
from assay.text.generate import (
    tree_productions,
)
from assay.text.moves import (
    _case_from,
    _case_json,
    core_paths,
    flat_of,
    fresh_random,
    subtree_case,
    swap_word_at,
    unweighted_tree,
)
from assay.text.oracle import Case

__all__ = ["WalkStrategy"]

_KINDS = ("swap", "restructure")  # the walk's moves
Spot = tuple[tuple[int, ...], int, int, int]  # a node: its path, production, depth, place


def _movable(engine: Engine, case: Case) -> list[Spot]:
    """The nodes a re-derivation may replace (their symbol has another alternative; not the
    node a relation is about, nor below it), from the case's ``Flat`` (``flat_of``): a
    node's place in preorder is where its subtree begins (``Flat.end``: where it ends)."""
    g = engine.g
    focus = case.focus
    flat = flat_of(engine, case)
    spots: list[Spot] = []
    paths, depth = flat.paths, flat.depth
    alternatives, productions = g.alternatives, g.productions
    for i, p in enumerate(flat.prods):
        if len(alternatives[productions[p][0]]) < 2:
            continue
        path = paths[i]
        if focus is not None and path[: len(focus)] == focus:
            continue
        spots.append((path, p, depth[i], i))
    return spots


def _keepable(engine: Engine, case: Case, bias: np.ndarray) -> list[Spot]:
    """The movable nodes whose subtree holds no production with ``bias`` above 1: each
    subtree's largest bias, over its range of the productions in preorder (in plain
    Python: a tree of a dozen nodes; numpy's ``reduceat`` over them cost more in its calls
    than in its sums, and the maximum of the same floats is the same)."""
    spots = engine.lasting("movable", case, lambda c: _movable(engine, c))
    if not spots:
        return []
    flat = flat_of(engine, case)
    prods, end = flat.prods, flat.end
    weight = bias.tolist()
    out: list[Spot] = []
    for sp in spots:
        at = sp[3]
        top = weight[prods[at]]
        for p in prods[at + 1 : end[at]]:
            if weight[p] > top:
                top = weight[p]
        if top <= 1.0:
            out.append(sp)
    return out


def _prefixes(paths: set[tuple[int, ...]]) -> set[tuple[int, ...]]:
    """Every prefix of every path (the paths of the nodes above them, and themselves)."""
    return {a[:k] for a in paths for k in range(len(a) + 1)}


class WalkStrategy:
    """assay's default: many walkers per round, word swaps and subtree re-derivations,
    steered toward the productions most associated with errors.

    Each walker proposes ``moves`` neighbours of its case per round: half swap one word
    (choosing the new word by its production's error lift), half re-derive one subtree
    (choosing alternatives by lift, all the way down).  All proposals of all walkers go to
    the classifiers together (in parts, sent as they are drafted: ``Engine.send_ahead``).
    A walker moves to a failing neighbour (staying in the
    error region), else to a neighbour closer to failing; after ``patience`` rounds without
    progress it restarts from a new sentence drawn with lift-steered weights.  Each round, a
    walker in the error region harvests (keeps its failing core) or explores, whichever mode
    has been worth more per query lately (``_best_mode``); an exploring walker's moves that
    leave its failing core alone are measured as harvesting ones.  While exploring is worth
    more, its new material is drawn shorter the more errors are common and shrinking costs
    (``_explore_brevity``), and an exploring walker sends only drafts that hold no known
    minimal error (``novel``): a draft that holds one fails as it does, almost surely, and
    shrinks to it (a duplicate, known before it is asked).  Meanwhile a walker restarting
    in the error region is given its mode then and keeps it (``chosen``; the mode worth
    less only ``patience`` rounds), restarting where that mode pays: each mode is measured
    where it pays, not on the other mode's walkers.  With ``screen`` > 1 (the
    default ``walk``: 3), a ridge regression of the failing score on production counts (the
    surrogate, refitted every round) screens each walker's drafts: it drafts ``screen``
    times the neighbours it sends and sends those rated likeliest to fail.
    """

    name = "walk"
    lazy_shrink = True  # errors holding a known minimal error are not shrunk again
    # ``observe`` reads only the round's answers and this strategy's own state: the engine
    # may call it while the classifiers answer the round's first shrinking batch
    observe_later = True

    def __init__(
        self,
        walkers: int = 48,
        moves: int = 6,
        patience: int = 4,
        pool: int = 256,
        brevity: float = 2.0,
        screen: int = 1,
        explore: float = 0.1,
        harvest: bool | None = None,
        measure: bool = True,
        shorter: float = 4.0,
        novel: bool = True,
    ) -> None:
        # the default walk's exploring, while its new material is drawn shorter: a walker
        # sends only drafts that hold no known minimal error (one that does fails as that
        # error does, almost surely: a duplicate, known before it is asked); False turns
        # it off (``harvest`` and ``explore``, kept for comparison, never use it)
        self.novel = novel and harvest is None
        # the default walk's exploring: new material drawn shorter where errors are common
        # and shrinking costs (``_explore_brevity``); 0 turns it off (``harvest`` and
        # ``explore``, kept for comparison, never use it)
        self.shorter = shorter if harvest is None else 0.0
        # an exploring walker's moves that leave its failing core alone are measured as
        # harvesting moves (``_best_mode``): both modes are measured on every walker
        self.measure = measure
        # harvesting: in the error region, every move leaves alone the words of the known
        # minimal error the walker's case holds (its failing core, ``core_paths``), so what
        # it finds tends to fail the same way and, when it does, needs no shrinking (a
        # duplicate of that minimal error): more failing sentences per query, fewer
        # distinct minimal ones.  True: every walker harvests; False: none does (both
        # kept for comparison); None (the default): each walker, when it restarts, is
        # given the mode worth more per query so far (``_choose_mode``)
        self.harvest = harvest
        if harvest is True:
            self.name = "harvest"
        elif harvest is False:
            self.name = "explore"
        # per walker: 1 when it harvests, 0 when it explores
        self.mode = [int(bool(harvest))] * walkers
        # per walker: whether its mode was chosen when it restarted in the error region
        # (kept until it restarts again; ``propose``), not each round
        self.chosen = [False] * walkers
        self.since = [0] * walkers  # per walker: rounds since its mode was chosen
        # per mode: queries its error-region proposals asked (their shrinking included),
        # errors among them, new minimal errors they gave
        self.worth = np.zeros((2, 3))
        self.fresh = [0, 0]  # fresh draws proposed, errors among them (the base rate)
        self.pmodes: list[int] = []  # per proposal: its walker's mode (-1: not in the region)
        # those of the round observed last (``shrunk``: the next may be drafted meanwhile)
        self.observed_modes: list[int] = []
        # queries spent shrinking failing proposals, and how many were shrunk (each round
        # counts 0.9 of the one before): what a new minimal error costs beyond its finding
        self.shrinking = [0.0, 0.0]
        self.shortened = False  # whether exploring's new material has been drawn shorter
        self.brevity = brevity
        self._short: np.ndarray | None = None
        self._ratio: np.ndarray | None = None  # see ``_shortness``
        self.n_walkers = walkers
        self.moves = moves
        self.patience = patience
        self.walkers: list[Case | None] = [None] * walkers
        self.scores = [-np.inf] * walkers
        self.errs = [False] * walkers
        self.stuck = [0] * walkers
        self.owners: list[int] = []
        self.kinds: list[int] = []  # per proposal: the move that made it (see _KINDS)
        self.paths: list[tuple[int, ...] | None] = []  # per proposal: the node it changed
        # per walker in the error region: paths of nodes whose change lost the error (like
        # delta debugging, the walker learns which parts of its sentence make it fail, and
        # leaves them alone); forgotten when the walker restarts or re-derives a subtree
        self.critical: list[set[tuple[int, ...]]] = [set() for _ in range(walkers)]
        # per walker region (0 outside, 1 inside the error region) and move kind: cases
        # proposed and errors among them; moves are chosen by their observed yield
        self.yields = np.zeros((2, len(_KINDS), 2), dtype=np.int64)
        self.pool: list[Case] = []  # recent failing cases: where stuck walkers restart
        self.pool_size = pool
        self.minimal: list[Case] = []  # recent minimal errors (the engine tells)
        # the surrogate: a ridge regression of failing on production counts (X'X and X'y)
        self.screen = screen
        self.explore = explore
        self.ridge = 1.0
        self.max_surrogate = 600  # productions; larger grammars walk without it
        self.gram: np.ndarray | None = None
        self.target = np.zeros(0)
        self.seen = (0, 0)  # cases learnt from: passing, failing
        self.weights: np.ndarray | None = None  # the last fit (where the next one starts)
        self._done = False

    def _features(self, cases: list[Case], n_prod: int) -> tuple[np.ndarray, np.ndarray]:
        """Production counts of each case's tree, sparse: (row of each production used, the
        production), one entry per use (a drafted case's from its ``Draft``)."""
        rows: list[int] = []
        cols: list[int] = []
        for i, c in enumerate(cases):
            before = len(cols)
            if c.draft is not None:
                cols.extend(c.draft.prods)
            else:
                tree_productions(c.tree, cols)
            rows.extend([i] * (len(cols) - before))
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)

    def _surrogate(self, engine: Engine) -> np.ndarray | None:
        """The surrogate's weights: a ridge regression of each case's score (how far past
        failing, or short of it) on its production counts, fitted to every case the walk
        proposed so far (None while off, until it has seen 20 of both outcomes, or when
        the grammar has more than ``max_surrogate`` productions)."""
        if self.gram is None or engine.g.n_productions > self.max_surrogate:
            return None
        if min(self.seen) < 20:
            return None
        self.weights = _conjugate_gradient(self.gram, self.ridge, self.target, self.weights)
        return self.weights

    def _predict(self, cases: list[Case], weights: np.ndarray) -> np.ndarray:
        # the sum of each tree's productions' weights (no BLAS: its thread pool spins on
        # the core the classifiers' worker needs, for products this small)
        rows, cols = self._features(cases, len(weights))
        out: np.ndarray = np.bincount(rows, weights=weights[cols], minlength=len(cases))
        return out

    def _learn(self, engine: Engine, got: Evaluated) -> None:
        n_prod = engine.g.n_productions
        if self.screen <= 1 or n_prod > self.max_surrogate:
            return
        if self.gram is None:
            self.gram = np.zeros((n_prod, n_prod))
            self.target = np.zeros(n_prod)
        rows, cols = self._features(got.cases, n_prod)
        y = np.asarray(got.score, dtype=np.float64)  # how far past failing (or short of it)
        # X'X and X'y from the sparse counts (whole numbers: X'X is exact in any order)
        counts = np.bincount(rows * n_prod + cols, minlength=len(y) * n_prod)
        x = counts.reshape(len(y), n_prod)
        used = np.flatnonzero(x.any(axis=0))
        xu = x[:, used]
        self.gram[np.ix_(used, used)] += _gram_int(xu)
        self.target += np.bincount(cols, weights=y[rows], minlength=n_prod)
        n_err = int(got.error.sum())
        self.seen = (self.seen[0] + len(y) - n_err, self.seen[1] + n_err)

    def _steer(self, engine: Engine) -> np.ndarray:
        lift: np.ndarray = np.clip(engine.lift(), 0.1, 10.0) ** 2
        return lift

    def _restructure(
        self,
        engine: Engine,
        case: Case,
        bias: np.ndarray,
        keep: bool = False,
        avoid: set[tuple[int, ...]] | None = None,
        above: set[tuple[int, ...]] | None = None,
        memo: dict[Any, Any] | None = None,
        keep_bias: np.ndarray | None = None,
    ) -> tuple[Case | None, tuple[int, ...] | None]:
        """Re-derive one subtree (steered by ``bias``); with ``keep``, only subtrees holding
        no production more associated with errors than the average; never one holding a
        node at a path in ``avoid`` (``above``: the prefixes of those paths, when known).
        Also gives the path of the subtree.  ``memo``: as ``swap_word_at``'s."""
        g = engine.g
        spots = None if memo is None else memo.get("subtrees")
        if spots is None:
            if keep:
                # (``bias`` is the same for a whole round, as the memo is)
                kb = bias if keep_bias is None else keep_bias
                spots = engine.memo("keepable", case, lambda c: _keepable(engine, c, kb))
            else:
                spots = engine.lasting("movable", case, lambda c: _movable(engine, c))
            if avoid:
                # a subtree holding an avoided node: its path is a prefix of that node's
                if above is None:
                    above = _prefixes(avoid)
                spots = [sp for sp in spots if sp[0] not in above]
            if memo is not None:
                memo["subtrees"] = spots
        if not spots:
            return None, None
        path, p, depth, at = spots[engine.draws.below(len(spots))]
        s = g.productions[p][0]
        new = engine.sampler.tree(s, engine.sampler.max_depth - depth, engine.draws, bias)
        cand = subtree_case(engine, case, memo, path, at, new)
        if cand is None and (again := unweighted_tree(engine, s, depth)) is not None:
            cand = subtree_case(engine, case, memo, path, at, again)  # (weights set aside)
        return (None, None) if cand is None else (cand, path)

    def propose(self, engine: Engine, n: int) -> list[Case]:
        bias = self._steer(engine)
        if self.brevity:  # new material: shorter derivations are likelier (minimal errors)
            if self._short is None:
                words = np.asarray(engine.g.prod_words, dtype=np.float64)
                self._short = (1.0 + words) ** -self.brevity
            fresh_bias = bias * self._short
        else:
            fresh_bias = bias
        # the new material of exploring (``_explore_brevity``; ``fresh_bias`` when equal)
        explore_bias = fresh_bias
        forced: set[int] = set()  # walkers restarting now, from a fresh draw
        extra = self._explore_brevity() - self.brevity if self.shorter else 0.0
        if extra:
            explore_bias = fresh_bias * self._shortness(engine) ** extra
            if not self.shortened:
                # the first round drawing shorter: the walkers still outside the error
                # region walk from sentences drawn before it was measured (as long as
                # usual) and restart now, from fresh draws
                self.shortened = True
                forced = {
                    w for w, c in enumerate(self.walkers) if c is not None and not self.errs[w]
                }
        out: list[Case] = []
        keys: set[int] = set()
        self.owners = []
        self.kinds = []
        self.paths = []
        self.pmodes = []
        weights = self._surrogate(engine)
        best_mode: int | None = None
        moves = max(1, min(self.moves, n // self.n_walkers))
        shares = (self._swap_share(0), self._swap_share(1))  # yields change between rounds
        for w in range(self.n_walkers):
            if len(out) >= n:
                break
            case = self.walkers[w]
            patience = self.patience if self.errs[w] or not self.pool else 1
            if self.chosen[w]:
                # a walker given the mode not worth more (a tenth of them: to measure it)
                # keeps it ``patience`` rounds; one of the mode worth more, while it
                # progresses (else the walkers of either mode accrue where they stay)
                self.since[w] += 1
                if best_mode is None:
                    best_mode = self._best_mode()
                if self.mode[w] != best_mode and self.since[w] > self.patience:
                    self.stuck[w] = patience
            if case is None or self.stuck[w] >= patience or w in forced:
                self.walkers[w], self.scores[w], self.errs[w], self.stuck[w] = (
                    None,
                    -np.inf,
                    False,
                    0,
                )
                self.critical[w] = set()
                self.chosen[w] = False
                self.since[w] = 0
                if self.pool and w not in forced and engine.draws.next() < 0.9:
                    # restart in the error region: at a minimal error found before (short:
                    # its failing neighbours are cheap to shrink, and often minimal and new
                    # themselves), or a failing case when there is none.  When harvesting
                    # is worth more (the default walk), at a recent failing case instead: a
                    # minimal error is all failing core, so a walker harvesting there has
                    # nothing to change and idles until it restarts again
                    pool = self.minimal or self.pool
                    if self.harvest is None:
                        if best_mode is None:  # the worth changes only between rounds
                            best_mode = self._best_mode()
                        mode = best_mode
                        if extra:
                            # exploring's material drawn shorter: the walker's mode is
                            # chosen now (the other one a tenth of the time) and kept, and
                            # it restarts where that mode pays; so each mode is measured
                            # where it pays, not on the other mode's walkers (``chosen``)
                            mode = best_mode if engine.draws.next() >= 0.1 else 1 - best_mode
                            self.mode[w] = mode
                            self.chosen[w] = True
                        if mode == 1:
                            pool = self.pool
                    start = pool[engine.draws.below(len(pool))]
                    self.walkers[w], self.scores[w], self.errs[w] = start, 0.0, True
                    continue
                restart_bias = fresh_bias
                if self.shorter:
                    if best_mode is None:
                        best_mode = self._best_mode()
                    if best_mode == 0:  # exploring is worth more: restart where it pays
                        restart_bias = explore_bias
                got = fresh_random(engine, 1, restart_bias)
                if not got:
                    continue
                self.walkers[w], self.scores[w], self.errs[w], self.stuck[w] = (
                    None,
                    -np.inf,
                    False,
                    0,
                )
                key = engine.case_key(got[0])
                if key not in keys:
                    keys.add(key)
                    out.append(got[0])
                    self.owners.append(w)
                    self.kinds.append(-1)
                    self.paths.append(None)
                    self.pmodes.append(-1)
                continue
            region = int(self.errs[w])
            if self.harvest is None and region and not self.chosen[w]:
                if best_mode is None:  # the worth changes only between rounds
                    best_mode = self._best_mode()
                self.mode[w] = best_mode if engine.draws.next() >= 0.1 else 1 - best_mode
            budget = moves if self.errs[w] else max(1, moves // 3)
            # in the error region: word swaps that keep the words tied to errors and
            # re-derivations of subtrees not tied to errors; outside it: both steered by
            # lift.  Which of the two: in proportion to the errors each has yielded per
            # case in this region so far (smoothed; each keeps at least a tenth)
            share = shares[region]
            # with a surrogate learnt, a walker drafts more neighbours than it sends and
            # keeps those the surrogate rates likeliest to fail
            want = budget * self.screen if weights is not None else budget
            mine: list[tuple[Case, int, tuple[int, ...]]] = []
            core: set[tuple[int, ...]] = set()
            if self.errs[w] and (self.mode[w] or (self.harvest is None and self.measure)):
                # (it changes only when a minimal error is found: kept across rounds
                # until then, for the walkers that stay)
                known = f"core {len(engine.minimal)}"
                core = engine.lasting(known, case, lambda c: core_paths(engine, c))
            # the nodes this walker leaves alone (the same for all its moves this round)
            avoid = self.critical[w] if self.errs[w] else None
            # an exploring walker's move that leaves its core alone is a harvesting move:
            # measured as such (``above_core``: the paths whose change touches the core)
            above_core = _prefixes(core) if core and not self.mode[w] else None
            if core and self.mode[w]:
                avoid = (avoid or set()) | core
            above = None
            drafting: dict[Any, Any] = {}  # what this walker's drafts share this round
            # exploring where errors are common (its material drawn shorter): only drafts
            # holding no known minimal error (``novel``)
            novel = self.novel and bool(extra) and self.errs[w] and not self.mode[w]
            # (what the attempts share, looked up once: ``best_mode`` and ``chosen`` do not
            # change during them)
            in_region = self.errs[w]
            sub_bias = (
                explore_bias
                if in_region and not self.mode[w] and (best_mode == 0 or self.chosen[w])
                else fresh_bias
            )
            draw, case_key, judged = engine.draws.next, engine.case_key, engine.keys
            for _attempt in range(want * 4):
                if len(mine) >= want:
                    break
                kind = 0 if draw() < share else 1
                if kind == 1:
                    if avoid and above is None:
                        above = _prefixes(avoid)
                    cand, path = self._restructure(
                        engine,
                        case,
                        sub_bias,
                        keep=in_region,
                        keep_bias=fresh_bias,  # (which subtrees may change: as before)
                        avoid=avoid,
                        above=above,
                        memo=drafting,
                    )
                else:
                    cand, path = swap_word_at(
                        engine,
                        case,
                        bias,
                        keep=in_region,
                        avoid=avoid,
                        memo=drafting,
                        unjudged=True,
                    )
                if cand is None or path is None:
                    continue
                key = case_key(cand)
                if key in keys or key in judged:
                    continue
                if novel and engine.known_core(cand) is not None:
                    continue
                keys.add(key)
                mine.append((cand, kind, path))
            if weights is not None and len(mine) > budget:
                pred = self._predict([c for c, _, _ in mine], weights)
                noise = np.asarray([engine.draws.next() for _ in mine]) * self.explore
                order = np.argsort(-(pred + noise), kind="stable")[:budget]
                mine = [mine[i] for i in sorted(order.tolist())]
            for cand, kind, path in mine:
                out.append(cand)
                self.owners.append(w)
                self.kinds.append(region * len(_KINDS) + kind)
                self.paths.append(path)
                pmode = self.mode[w] if region else -1
                if above_core is not None:
                    pmode = 0 if path in above_core else 1
                self.pmodes.append(pmode)
            if not mine:
                self.stuck[w] = self.patience
            ahead = getattr(engine, "send_ahead", None)
            if ahead is not None:  # the classifiers answer these while the rest is drafted
                ahead(out, n)
        if not out:
            more = fresh_random(engine, max(1, n // 4), fresh_bias)
            out.extend(more)
            self.owners.extend([-1] * len(more))
            self.kinds.extend([-1] * len(more))
            self.paths.extend([None] * len(more))
            self.pmodes.extend([-1] * len(more))
            if not more:
                self._done = True
        return out

    def may_lag(self) -> bool:
        """Whether the next round may be drafted from the start of this one's shrinking
        (``text.lag``; else once its first wave has found its minimal errors): not while
        exploring sends only drafts holding no known minimal error (``novel``, where errors
        are common), as the minimal errors this round's shrinking finds are those its
        walkers' next drafts would hold."""
        return not (self.novel and self.shorter and self._explore_brevity() > self.brevity)

    def _swap_share(self, region: int) -> float:
        n = self.yields[region, :, 0].astype(np.float64)
        e = self.yields[region, :, 1].astype(np.float64)
        prior = (2.0 / 3.0, 1.0 / 3.0) if region else (0.5, 0.5)
        rate = (e + 2.0 * np.asarray(prior)) / (n + 2.0)
        share = float(rate[0] ** 2 / max(float((rate**2).sum()), 1e-12))
        return min(max(share, 0.1), 0.9)

    def observe(self, engine: Engine, got: Evaluated) -> None:
        self.observed_modes = self.pmodes
        self._learn(engine, got)
        flat = self.yields.reshape(-1, 2)
        errs = got.error.tolist()
        self.worth *= 0.9  # recent rounds count more: harvesting pays more as cores are known
        for i, (k, m) in enumerate(zip(self.kinds, self.pmodes, strict=False)):
            if i >= len(errs):
                break
            if m >= 0:
                self.worth[m, 0] += 1.0
                self.worth[m, 1] += errs[i]
            elif self.owners[i] < 0 or k < 0:
                self.fresh[0] += 1
                self.fresh[1] += int(errs[i])
        for i, k in enumerate(self.kinds[: len(got.cases)]):
            if k >= 0:
                flat[k, 0] += 1
                flat[k, 1] += int(got.error[i])
                path = self.paths[i]
                w = self.owners[i]
                if self.errs[w] and path is not None and not got.error[i]:
                    self.critical[w].add(path)
        best: dict[int, tuple[int, float, int]] = {}  # walker -> (error, score, index)
        for i, w in enumerate(self.owners[: len(got.cases)]):
            if w < 0:
                continue
            cand = (int(got.error[i]), float(got.score[i]), -i)
            if w not in best or cand > best[w]:
                best[w] = cand
        for i in np.flatnonzero(got.error).tolist():
            self.pool.append(got.cases[i])
        del self.pool[: max(0, len(self.pool) - self.pool_size)]
        for w, (err, score, neg_i) in best.items():
            case = got.cases[-neg_i]
            if self.walkers[w] is None:
                self.walkers[w], self.scores[w], self.errs[w] = case, score, bool(err)
                self.critical[w] = set()
                continue
            if err:  # stay in (or enter) the error region
                if not self.errs[w] or self.kinds[-neg_i] % len(_KINDS) != 0:
                    self.critical[w] = set()  # a new region, or a new structure
                self.walkers[w], self.scores[w], self.errs[w] = case, score, True
                self.stuck[w] = 0
            elif not self.errs[w] and score > self.scores[w]:
                self.walkers[w], self.scores[w] = case, score
                self.stuck[w] = 0
            else:
                self.stuck[w] += 1

    def shrunk(self, engine: Engine, credit: dict[int, list[float]]) -> None:
        """What shrinking this round's failing proposals cost and gave (``Engine``): charged
        to the mode of the walker that proposed each."""
        self.shrinking = [0.9 * self.shrinking[0], 0.9 * self.shrinking[1]]
        for i, (queries, errors, new) in credit.items():
            self.shrinking[0] += queries
            self.shrinking[1] += 1.0
            m = self.observed_modes[i] if i < len(self.observed_modes) else -1
            if m >= 0:
                self.worth[m] += (queries, errors, new)

    def _base_rate(self) -> float:
        """``p``: the error rate of the walk's fresh draws (smoothed)."""
        return (self.fresh[1] + 1.0) / (self.fresh[0] + 2.0)

    def _shortness(self, engine: Engine) -> np.ndarray:
        """Per production, (1 + the fewest words its symbol derives) / (1 + the fewest it
        derives): 1 for a symbol's shortest alternatives, below 1 for longer ones (raised
        to a large power it stays above 0 for the shortest, whatever the grammar)."""
        if self._ratio is None:
            g = engine.g
            words = np.asarray(g.prod_words, dtype=np.float64)
            least = np.asarray([g.min_words[lhs] for lhs, _ in g.productions], dtype=np.float64)
            self._ratio = (1.0 + least) / (1.0 + words)
        return self._ratio

    def _explore_brevity(self) -> float:
        """While exploring is worth more (``_best_mode``), how strongly its new material
        (the subtrees exploring walkers re-derive, the fresh sentences walkers restart
        from) favours short derivations: ``brevity * (1 + shorter * c * p / (1 - p))``.

        Exploring is worth its new minimal errors, and each costs its shrinking: a short
        failing sentence needs few shrinking queries and is often minimal already, a long
        one is shrunk at length, often to a known minimal error.  Shortness costs variety
        and failing sentences (where errors are rare a longer sentence has more ways to
        hold one).  So the exponent grows with ``p / (1 - p)`` (``p`` the base rate: how
        much a new minimal error weighs against a failing sentence in ``_best_mode``) and
        with ``c``, the queries shrinking has cost per failing proposal lately (at most 1):
        where errors are common and shrinking costs, mostly the shortest alternatives,
        steered by lift.  The walk draws as before (``brevity``) until both are measured
        (a round's worth of fresh draws, and some shrinking: a small budget spends its
        first rounds as it always did), and wherever the exponent would less than double:
        where errors are rare, or failing sentences are minimal as found (shrinking costs
        nothing).  The round it first draws shorter, the walkers outside the error region
        restart (``propose``)."""
        if self.fresh[0] < self.n_walkers or self.shrinking[1] <= 0.0:
            return self.brevity  # not measured yet (a round's fresh draws, some shrinking)
        p = min(self._base_rate(), 0.95)
        cost = min(1.0, self.shrinking[0] / self.shrinking[1])
        e = self.brevity * (1.0 + self.shorter * cost * p / (1.0 - p))
        return e if e >= 2.0 * self.brevity else self.brevity

    def _best_mode(self) -> int:
        """Harvest (1) or explore (0): the mode worth more per query so far (each walker in
        the error region takes it, and the other one a tenth of the time, to keep
        measuring it).  A query's worth is what the report
        counts, weighed by how common errors are: an error counts ``1 - p`` and a new minimal
        error ``p``, ``p`` the error rate of fresh random draws.  Where errors are rare,
        every failing sentence is news; where they are common, only a new way of failing
        is.  Each mode's rate is smoothed toward the pooled one (10 queries' worth)."""
        p = self._base_rate()
        q, e, new = self.worth[:, 0], self.worth[:, 1], self.worth[:, 2]
        value = (1.0 - p) * e + p * new
        pooled = float(value.sum()) / max(float(q.sum()), 1.0)
        rate = (value + 10.0 * pooled) / (q + 10.0)
        return int(rate[1] > rate[0])

    def minimal_found(self, engine: Engine, cases: list[Case]) -> None:
        self.minimal.extend(cases)
        del self.minimal[: max(0, len(self.minimal) - self.pool_size)]

    @property
    def done(self) -> bool:
        return self._done

    def state(self) -> dict[str, Any]:
        return {
            "minimal": [_case_json(c) for c in self.minimal],
            "walkers": [_case_json(c) for c in self.walkers],
            "scores": [s if np.isfinite(s) else None for s in self.scores],
            "errs": self.errs,
            "stuck": self.stuck,
            "pool": [_case_json(c) for c in self.pool],
            "yields": self.yields.tolist(),
            "surrogate": None
            if self.gram is None
            else {
                "gram": _pack(self.gram),
                "target": _pack(self.target),
                "weights": _pack(self.weights) if self.weights is not None else None,
                "seen": list(self.seen),
            },
            "critical": [sorted(list(p) for p in c) for c in self.critical],
            "mode": self.mode,
            "chosen": self.chosen,
            "since": self.since,
            "worth": self.worth.tolist(),
            "shrinking": self.shrinking,
            "shortened": self.shortened,
            "fresh": self.fresh,
            "done": self._done,
        }

    def load(self, state: dict[str, Any]) -> None:
        if "walkers" in state:
            self.walkers = [_case_from(c) for c in state["walkers"]]
            self.scores = [-np.inf if s is None else float(s) for s in state["scores"]]
            self.errs = [bool(x) for x in state["errs"]]
            self.stuck = [int(x) for x in state["stuck"]]
            self.pool = [c for c in (_case_from(x) for x in state.get("pool", [])) if c]
            self.minimal = [c for c in (_case_from(x) for x in state.get("minimal", [])) if c]
            crit = state.get("critical", [[] for _ in self.walkers])
            self.critical = [{tuple(int(x) for x in p) for p in c} for c in crit]
            if "mode" in state:
                self.mode = [int(x) for x in state["mode"]]
                self.chosen = [bool(x) for x in state.get("chosen", [False] * len(self.mode))]
                self.since = [int(x) for x in state.get("since", [0] * len(self.mode))]
                self.worth = np.asarray(state["worth"], dtype=np.float64).reshape(2, 3)
                self.fresh = [int(x) for x in state["fresh"]]
            if "shrinking" in state:
                self.shrinking = [float(x) for x in state["shrinking"]]
            # (a checkpoint from before either was kept: its walkers are not restarted
            # mid-run; the exponent is measured again from the next shrinking on)
            self.shortened = bool(state.get("shortened", "shrinking" not in state))
            sur = state.get("surrogate")
            if sur is not None:
                self.target = _unpack(sur["target"])
                self.gram = _unpack(sur["gram"]).reshape(len(self.target), len(self.target))
                self.weights = _unpack(sur["weights"]) if sur.get("weights") else None
                self.seen = (int(sur["seen"][0]), int(sur["seen"][1]))
            if "yields" in state:
                self.yields = np.asarray(state["yields"], dtype=np.int64).reshape(self.yields.shape)
        self._done = bool(state.get("done", False))


def _gram_int(x: np.ndarray) -> np.ndarray:
    """``x.T @ x`` of whole-number counts, in integers (numpy's own loop, not BLAS's
    threads; exact)."""
    out: np.ndarray = (x.T.astype(np.int64) @ x.astype(np.int64)).astype(np.float64)
    return out


def _matvec(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``a @ v`` without BLAS (its threads spin on the core the classifiers' worker needs;
    the surrogate's system is small)."""
    out: np.ndarray = np.einsum("ij,j->i", a, v)
    return out


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.einsum("i,i->", a, b))


def _conjugate_gradient(
    gram: np.ndarray, ridge: float, b: np.ndarray, start: np.ndarray | None, steps: int = 40
) -> np.ndarray:
    """Solve (gram + ridge I) x = b by conjugate gradients from ``start`` (the previous
    fit: the system changes little between rounds).  Matrix-vector products only: LAPACK's
    solver spreads a small system over every core and is slow on a busy machine."""
    x = np.zeros_like(b) if start is None or start.shape != b.shape else start.copy()
    r = b - (_matvec(gram, x) + ridge * x)
    p = r.copy()
    rr = _dot(r, r)
    tol = 1e-20 * max(_dot(b, b), 1e-300)
    for _ in range(steps):
        if rr <= tol:
            break
        ap = _matvec(gram, p) + ridge * p
        alpha = rr / _dot(p, ap)
        x += alpha * p
        r -= alpha * ap
        rr_new = _dot(r, r)
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def _pack(a: np.ndarray) -> str:
    """A float array as text, bit for bit (resumed runs continue exactly)."""
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.float64).tobytes()).decode("ascii")


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float64).copy()
