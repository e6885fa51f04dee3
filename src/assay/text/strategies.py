"""Search strategies: ``random`` (the baseline), ``ogma`` (Udeshi and Chattopadhyay, TSE 2019,
re-implemented from the paper), and ``walk`` (assay's default).

Every strategy only proposes cases the engine has not judged yet, so no sentence is ever
queried twice (for ``ogma`` this is our one change to the published algorithm).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.errors import UsageError
from assay.text.engine import Engine, Evaluated
from assay.text.generate import (
    Tree,
    count_derivations,
    enumerate_trees,
    nodes,
    replace_at,
    subtree_at,
    tree_from_json,
    tree_productions,
    tree_to_json,
)
from assay.text.oracle import Case

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "make_strategy"]

STRATEGIES = ("walk", "random", "ogma", "exhaustive")
DEFAULT_STRATEGY = "walk"
_KINDS = ("swap", "restructure")  # the walk's moves
_PATIENCE = 200  # fresh draws tried per wanted case before the space is taken as covered


def _case_json(case: Case | None) -> Any:
    if case is None:
        return None
    return [
        tree_to_json(case.tree),
        list(case.focus) if case.focus is not None else None,
        case.relation,
    ]


def _case_from(data: Any) -> Case | None:
    if data is None:
        return None
    focus = tuple(data[1]) if data[1] is not None else None
    return Case(tree_from_json(data[0]), focus, int(data[2]))


def fresh_random(engine: Engine, n: int, bias: np.ndarray | None = None) -> list[Case]:
    """Up to ``n`` random cases never judged (fewer when the space seems covered)."""
    out: list[Case] = []
    keys: set[str] = set()
    misses = 0
    while len(out) < n and misses < _PATIENCE * max(1, n // 8):
        tree = engine.sampler.sentence_tree(engine.draws, bias)
        case = engine.oracle.case(tree, engine.draws)
        if case is None:
            misses += 1
            continue
        key = engine.key(case)
        if key in engine.keys or key in keys:
            misses += 1
            continue
        keys.add(key)
        out.append(case)
    return out


class RandomStrategy:
    """Random derivations (weighted by the grammar), never repeating a judged case."""

    name = "random"

    def __init__(self) -> None:
        self._done = False

    def propose(self, engine: Engine, n: int) -> list[Case]:
        out = fresh_random(engine, n)
        if not out:
            self._done = True
        return out

    def observe(self, engine: Engine, got: Evaluated) -> None:
        pass

    @property
    def done(self) -> bool:
        return self._done

    def state(self) -> dict[str, Any]:
        return {"done": self._done}

    def load(self, state: dict[str, Any]) -> None:
        self._done = bool(state.get("done", False))


class ExhaustiveStrategy:
    """Every derivation in a fixed order (grammars with at most a few million)."""

    name = "exhaustive"
    LIMIT = 5_000_000

    def __init__(self, engine_grammar: Any, max_depth: int) -> None:
        total = count_derivations(engine_grammar, max_depth, cap=self.LIMIT + 1)
        if total > self.LIMIT:
            raise UsageError(
                f"the grammar has more than {self.LIMIT:,} derivations; exhaustive enumeration "
                "is for small grammars (use walk or random)",
                argument="--strategy",
            )
        self.total = total
        self.position = 0
        self._iter: Any = None
        self._max_depth = max_depth
        self._grammar = engine_grammar

    def propose(self, engine: Engine, n: int) -> list[Case]:
        if self._iter is None:
            self._iter = enumerate_trees(self._grammar, self._max_depth)
            for _ in range(self.position):
                next(self._iter, None)
        out: list[Case] = []
        while len(out) < n and self.position < self.total:
            tree = next(self._iter, None)
            self.position += 1
            if tree is None:
                break
            case = engine.oracle.case(tree)
            if case is not None and engine.is_new(case):
                out.append(case)
        return out

    def observe(self, engine: Engine, got: Evaluated) -> None:
        pass

    @property
    def done(self) -> bool:
        return self.position >= self.total

    def state(self) -> dict[str, Any]:
        return {"position": self.position}

    def load(self, state: dict[str, Any]) -> None:
        self.position = int(state.get("position", 0))
        self._iter = None


def lexical_spots(engine: Engine, case: Case) -> list[tuple[tuple[int, ...], int]]:
    """Nodes whose production is a word choice (all terminals) of a symbol with at least two
    word choices: the 'terminals of the same category' Ogma swaps.  Excludes the node a
    metamorphic relation is about."""
    g = engine.g
    out = []
    for path, p, _ in nodes(case.tree):
        if not g.lexical[p]:
            continue
        if case.focus is not None and path[: len(case.focus)] == case.focus:
            continue
        s = g.productions[p][0]
        if sum(1 for q in g.alternatives[s] if g.lexical[q]) >= 2:
            out.append((path, p))
    return out


def swap_word(
    engine: Engine, case: Case, weights: np.ndarray | None = None, keep: bool = False
) -> Case | None:
    """One terminal of the case swapped for another of its category (uniform, or weighted by
    ``weights``).  With ``keep``, the word to replace is chosen in inverse proportion to its
    weight: the words most associated with errors tend to stay."""
    return swap_word_at(engine, case, weights, keep)[0]


def swap_word_at(
    engine: Engine,
    case: Case,
    weights: np.ndarray | None = None,
    keep: bool = False,
    avoid: set[tuple[int, ...]] | None = None,
) -> tuple[Case | None, tuple[int, ...] | None]:
    """``swap_word``, also giving the path of the swapped node; nodes at paths in ``avoid``
    are left as they are."""
    spots = lexical_spots(engine, case)
    if avoid:
        spots = [sp for sp in spots if sp[0] not in avoid]
    if not spots:
        return None, None
    g = engine.g
    if keep and weights is not None and len(spots) > 1:
        inv = np.asarray([1.0 / weights[p] for _, p in spots])
        u = engine.draws.next() * float(inv.sum())
        k = min(int(np.searchsorted(np.cumsum(inv), u, side="right")), len(spots) - 1)
        path, p = spots[k]
    else:
        path, p = spots[engine.draws.below(len(spots))]
    s = g.productions[p][0]
    others = [q for q in g.alternatives[s] if g.lexical[q] and q != p]
    if weights is None:
        q = others[engine.draws.below(len(others))]
    else:
        w = np.asarray([weights[x] for x in others], dtype=np.float64)
        u = engine.draws.next() * float(w.sum())
        q = others[min(int(np.searchsorted(np.cumsum(w), u, side="right")), len(others) - 1)]
    tree = replace_at(case.tree, path, (q, g.productions[q][1]))
    return engine.oracle.refocus(case, tree), path


class OgmaStrategy:
    """Ogma's directed walk, one query at a time, as the paper describes it.

    Start from a random sentence.  Each iteration swaps one terminal of the current
    derivation for another terminal of the same category (chosen uniformly) and queries the
    result.  While the current sentence is not an error, the walk moves to the new sentence
    when it is an error or when the classifiers disagree at least as much (a higher
    disagreement score): the search is directed towards errors.  Once the current sentence is
    an error, it moves only to sentences that are errors too: it stays in the error region.

    Our one change: a sentence already queried is never queried again; a swap that gives one
    is drawn again, and after ``patience`` draws without a new sentence (or when the current
    sentence has no category with two terminals) the walk restarts from a new random
    sentence, so it never loops.
    """

    name = "ogma"

    def __init__(self, start: Tree | None = None, patience: int = 50) -> None:
        self.current: Case | None = None
        self.score = -np.inf
        self.in_error = False
        self.start = start
        self.patience = patience
        self.restarts = 0
        self._done = False

    def _restart(self, engine: Engine) -> Case | None:
        self.restarts += 1
        got = fresh_random(engine, 1)
        if not got:
            self._done = True
            return None
        return got[0]

    def propose(self, engine: Engine, n: int) -> list[Case]:
        if self.current is None:
            if self.start is not None:
                case = engine.oracle.case(self.start)
                self.start = None
                if case is not None and engine.is_new(case):
                    return [case]
            got = self._restart(engine)
            return [got] if got is not None else []
        for _ in range(self.patience):
            cand = swap_word(engine, self.current)
            if cand is None:
                break  # nothing to swap in this sentence
            if engine.is_new(cand):
                return [cand]
        self.current = None
        got = self._restart(engine)
        return [got] if got is not None else []

    def observe(self, engine: Engine, got: Evaluated) -> None:
        case = got.cases[0]
        err = bool(got.error[0])
        score = float(got.score[0])
        if self.current is None:
            self.current, self.score, self.in_error = case, score, err
            return
        if self.in_error:
            if err:
                self.current, self.score = case, score
        elif err or score >= self.score:
            self.current, self.score, self.in_error = case, score, err

    @property
    def done(self) -> bool:
        return self._done

    def state(self) -> dict[str, Any]:
        return {
            "current": _case_json(self.current),
            "score": self.score if np.isfinite(self.score) else None,
            "in_error": self.in_error,
            "restarts": self.restarts,
            "done": self._done,
            "start": tree_to_json(self.start) if self.start is not None else None,
        }

    def load(self, state: dict[str, Any]) -> None:
        self.current = _case_from(state.get("current"))
        sc = state.get("score")
        self.score = -np.inf if sc is None else float(sc)
        self.in_error = bool(state.get("in_error", False))
        self.restarts = int(state.get("restarts", 0))
        self._done = bool(state.get("done", False))
        st = state.get("start")
        self.start = tree_from_json(st) if st is not None else None


class WalkStrategy:
    """assay's default: many walkers per round, word swaps and subtree re-derivations,
    steered toward the productions most associated with errors.

    Each walker proposes ``moves`` neighbours of its case per round: half swap one word
    (choosing the new word by its production's error lift), half re-derive one subtree
    (choosing alternatives by lift, all the way down).  All proposals of all walkers go to
    the classifiers in one call.  A walker moves to a failing neighbour (staying in the
    error region), else to a neighbour closer to failing; after ``patience`` rounds without
    progress it restarts from a new sentence drawn with lift-steered weights.
    """

    name = "walk"
    lazy_shrink = True  # errors holding a known minimal error are not shrunk again

    def __init__(
        self,
        walkers: int = 48,
        moves: int = 6,
        patience: int = 4,
        pool: int = 256,
        brevity: float = 2.0,
    ) -> None:
        self.brevity = brevity
        self._short: np.ndarray | None = None
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
        self._done = False

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
    ) -> tuple[Case | None, tuple[int, ...] | None]:
        """Re-derive one subtree (steered by ``bias``); with ``keep``, only subtrees holding
        no production more associated with errors than the average; never one holding a
        node at a path in ``avoid``.  Also gives the path of the subtree."""
        g = engine.g
        spots = [
            (path, p, depth)
            for path, p, depth in nodes(case.tree)
            if len(g.alternatives[g.productions[p][0]]) >= 2
            and not (case.focus is not None and path[: len(case.focus)] == case.focus)
            and not (avoid and any(a[: len(path)] == path for a in avoid))
        ]
        if keep:
            spots = [
                sp
                for sp in spots
                if max(bias[q] for q in tree_productions(subtree_at(case.tree, sp[0]))) <= 1.0
            ]
        if not spots:
            return None, None
        path, p, depth = spots[engine.draws.below(len(spots))]
        s = g.productions[p][0]
        new = engine.sampler.tree(s, engine.sampler.max_depth - depth, engine.draws, bias)
        if new == subtree_at(case.tree, path):
            return None, None
        return engine.oracle.refocus(case, replace_at(case.tree, path, new)), path

    def propose(self, engine: Engine, n: int) -> list[Case]:
        bias = self._steer(engine)
        if self.brevity:  # new material: shorter derivations are likelier (minimal errors)
            if self._short is None:
                words = np.asarray(engine.g.prod_words, dtype=np.float64)
                self._short = (1.0 + words) ** -self.brevity
            fresh_bias = bias * self._short
        else:
            fresh_bias = bias
        out: list[Case] = []
        keys: set[str] = set()
        self.owners = []
        self.kinds = []
        self.paths = []
        moves = max(1, min(self.moves, n // self.n_walkers))
        for w in range(self.n_walkers):
            if len(out) >= n:
                break
            case = self.walkers[w]
            patience = self.patience if self.errs[w] or not self.pool else 1
            if case is None or self.stuck[w] >= patience:
                self.walkers[w], self.scores[w], self.errs[w], self.stuck[w] = (
                    None,
                    -np.inf,
                    False,
                    0,
                )
                self.critical[w] = set()
                if self.pool and engine.draws.next() < 0.9:
                    # restart in the error region: at a minimal error found before (short:
                    # its failing neighbours are cheap to shrink, and often minimal and new
                    # themselves), or a failing case when there is none
                    pool = self.minimal or self.pool
                    start = pool[engine.draws.below(len(pool))]
                    self.walkers[w], self.scores[w], self.errs[w] = start, 0.0, True
                    continue
                got = fresh_random(engine, 1, fresh_bias)
                if not got:
                    continue
                self.walkers[w], self.scores[w], self.errs[w], self.stuck[w] = (
                    None,
                    -np.inf,
                    False,
                    0,
                )
                key = engine.key(got[0])
                if key not in keys:
                    keys.add(key)
                    out.append(got[0])
                    self.owners.append(w)
                    self.kinds.append(-1)
                    self.paths.append(None)
                continue
            made = 0
            region = int(self.errs[w])
            budget = moves if self.errs[w] else max(1, moves // 3)
            # in the error region: word swaps that keep the words tied to errors and
            # re-derivations of subtrees not tied to errors; outside it: both steered by
            # lift.  Which of the two: in proportion to the errors each has yielded per
            # case in this region so far (smoothed; each keeps at least a tenth)
            share = self._swap_share(region)
            for _attempt in range(budget * 4):
                if made >= budget:
                    break
                kind = 0 if engine.draws.next() < share else 1
                avoid = self.critical[w] if self.errs[w] else None
                if kind == 1:
                    cand, path = self._restructure(
                        engine, case, fresh_bias, keep=self.errs[w], avoid=avoid
                    )
                else:
                    cand, path = swap_word_at(engine, case, bias, keep=self.errs[w], avoid=avoid)
                if cand is None:
                    continue
                key = engine.key(cand)
                if key in keys or key in engine.keys:
                    continue
                keys.add(key)
                out.append(cand)
                self.owners.append(w)
                self.kinds.append(region * len(_KINDS) + kind)
                self.paths.append(path)
                made += 1
            if made == 0:
                self.stuck[w] = self.patience
        if not out:
            more = fresh_random(engine, max(1, n // 4), fresh_bias)
            out.extend(more)
            self.owners.extend([-1] * len(more))
            self.kinds.extend([-1] * len(more))
            self.paths.extend([None] * len(more))
            if not more:
                self._done = True
        return out

    def _swap_share(self, region: int) -> float:
        n = self.yields[region, :, 0].astype(np.float64)
        e = self.yields[region, :, 1].astype(np.float64)
        prior = (2.0 / 3.0, 1.0 / 3.0) if region else (0.5, 0.5)
        rate = (e + 2.0 * np.asarray(prior)) / (n + 2.0)
        share = float(rate[0] ** 2 / max(float((rate**2).sum()), 1e-12))
        return min(max(share, 0.1), 0.9)

    def observe(self, engine: Engine, got: Evaluated) -> None:
        flat = self.yields.reshape(-1, 2)
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
            "critical": [sorted(list(p) for p in c) for c in self.critical],
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
            if "yields" in state:
                self.yields = np.asarray(state["yields"], dtype=np.int64).reshape(self.yields.shape)
        self._done = bool(state.get("done", False))


def make_strategy(name: str, engine_grammar: Any, max_depth: int, start: Tree | None = None) -> Any:
    if name == "random":
        return RandomStrategy()
    if name == "ogma":
        return OgmaStrategy(start=start)
    if name == "walk":
        return WalkStrategy()
    if name == "exhaustive":
        return ExhaustiveStrategy(engine_grammar, max_depth)
    raise UsageError(
        f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}", argument="--strategy"
    )
