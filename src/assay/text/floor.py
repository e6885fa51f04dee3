"""A suite's floor: every test of an ``--oracle suite`` run gets its share of the budget.

A directed search (the walk) steers toward where errors are and keeps a case's test while it
edits it, so a test that fails nowhere gets few cases (text35: 6 cases of 6,000 queries), and
"0 failing" of 6 cases reads as a pass.  ``SuiteFloor`` wraps the run's strategy: before it
starts, it draws random cases of each test in turn (the test with the fewest first), by
derivations drawn to reach that test's symbol by an alternative the test is about, until
every test has ``cases`` of them or the floor has spent a quarter of the search's budget
(its queries, or its time when it has no query budget).  Then the wrapped strategy runs,
and beside it the floor keeps a small fixed share of every round (``BESIDE``) for the tests
short of their share of the cases (the floor's and the strategy's proposals counted per
test: under ``1 / (FAIR * tests)`` of all), the fewest first: a walk
that stays where one test fails no longer starves the others as the run goes on.  Every
count is of proposals, so a run resumed from a snapshot draws as the uninterrupted one
(``text.bound``: what a test's cases tell)."""

from __future__ import annotations

from typing import Any

from assay.text.engine import Engine, Evaluated
from assay.text.generate import Tree
from assay.text.oracle import Case, Verdict

__all__ = [
    "BESIDE",
    "FAIR",
    "FLOOR_CASES",
    "FLOOR_SHARE",
    "SuiteFloor",
    "floor_drawn",
    "suite_floor",
]

FLOOR_CASES = 100  # random cases per test: 0 failing of 100 bounds its rate below 3.0 % (95 %)
FLOOR_SHARE = 4  # the floor first spends at most 1/4 of the search's query (or time) budget
BESIDE = 8  # then 1/8 of every round's proposals, while a test is short of its share
FAIR = 4  # beside the walk, a test is short under 1 / (FAIR * tests) of the cases proposed
_PATIENCE = 50  # draws per wanted case before a test is taken as out of reach


def suite_floor(asked: int | None, oracle: str, strategy: str) -> int:
    """The floor of a run: ``asked`` (0: none; any metamorphic oracle), else
    ``FLOOR_CASES`` for an ``--oracle suite`` run (an exhaustive one judges every case
    anyway) and none for any other."""
    if asked is not None:
        from assay.errors import UsageError

        if asked < 0:
            raise UsageError(f"must be 0 or more, not {asked}", argument="--floor")
        if asked and oracle == "differential":
            raise UsageError(
                "is for the tests a grammar declares (--oracle suite, invariance, "
                "directional, expect); a differential run has none",
                argument="--floor",
            )
        return asked
    return FLOOR_CASES if oracle == "suite" and strategy != "exhaustive" else 0


class SuiteFloor:
    """``inner`` (a strategy), after a floor of ``cases`` random cases per test."""

    def __init__(self, inner: Any, cases: int = FLOOR_CASES) -> None:
        self.inner = inner
        self.cases = cases
        self.drawn: list[int] = []  # per test: the floor's cases proposed
        self.out_of_reach: list[bool] = []  # per test: draws stopped finding new cases
        self.cap: int | None = None  # the floor's queries (set at its first round)
        self.start = 0  # the queries asked when the floor began
        self.time_cap: float | None = None  # its seconds, with no query budget
        self.time_start = 0.0
        self.over = False
        # per test: the wrapped strategy's proposals (the floor's own are ``drawn``)
        self.seen: list[int] = []
        self._way: list[dict[int, int]] | None = None
        # the floor's cases beside the strategy in the last rounds, by identity (a lagged
        # round is observed while the next is drafted)
        self._mine: list[dict[int, Case]] = []
        self._inner_n = 0  # the wrapped strategy's cases of the round it observed last

    # -- what the engine reads of a strategy: the inner one's, once the floor is over --------
    def __getattr__(self, name: str) -> Any:
        if name == "may_lag" and not self.__dict__.get("over", True):
            raise AttributeError(name)  # (the walk's bookkeeping of its own proposals)
        return getattr(self.__dict__["inner"], name)

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def done(self) -> bool:
        return bool(self.over and self.inner.done)

    def propose(self, engine: Engine, n: int) -> list[Case]:
        if not self.over:
            out = self._floor(engine, n)
            if out:
                return out
            self.over = True
        share = self._beside_share(engine, n)
        made = list(self.inner.propose(engine, n - share))
        k = len(self.seen)
        for case in made:
            if 0 <= case.relation < k:
                self.seen[case.relation] += 1
        if not share:
            return made
        extra = self._beside(engine, share, {engine.case_key(c) for c in made})
        self._mine = [*self._mine[-2:], {id(c): c for c in extra}]
        return made + extra

    def observe(self, engine: Engine, got: Evaluated) -> None:
        if not self.over:
            return
        # the wrapped strategy's own cases come first in a round: it observes those
        mine = {i: c for part in self._mine for i, c in part.items()}
        own = 0
        while own < len(got.cases) and mine.get(id(got.cases[own])) is not got.cases[own]:
            own += 1
        self._inner_n = own
        if own or not got.cases:  # (a round of the floor's cases alone: nothing of its own)
            self.inner.observe(engine, got if own == len(got.cases) else _first(got, own))

    def shrunk(self, engine: Engine, credit: dict[int, list[float]]) -> None:
        told = getattr(self.inner, "shrunk", None)
        if not self.over or told is None:
            return  # (the walk's bookkeeping of its own proposals)
        own = {i: c for i, c in credit.items() if i < self._inner_n}
        if own:
            told(engine, own)

    def minimal_found(self, engine: Engine, cases: list[Case]) -> None:
        tell = getattr(self.inner, "minimal_found", None)
        if tell is not None:  # (a walk restarts at minimal errors the floor found too)
            tell(engine, cases)

    def state(self) -> dict[str, Any]:
        return {
            "floor": {
                "drawn": self.drawn,
                "out_of_reach": self.out_of_reach,
                "cap": self.cap,
                "start": self.start,
                "time_cap": self.time_cap,
                "time_start": self.time_start,
                "over": self.over,
                "seen": self.seen,
                "inner_n": self._inner_n,
            },
            "inner": self.inner.state(),
        }

    def load(self, state: dict[str, Any]) -> None:
        floor = state.get("floor") or {}
        self.drawn = [int(c) for c in floor.get("drawn") or []]
        self.out_of_reach = [bool(b) for b in floor.get("out_of_reach") or []]
        cap = floor.get("cap")
        self.cap = None if cap is None else int(cap)
        self.start = int(floor.get("start", 0))
        time_cap = floor.get("time_cap")
        self.time_cap = None if time_cap is None else float(time_cap)
        self.time_start = float(floor.get("time_start", 0.0))
        self.over = bool(floor.get("over", False))
        self.seen = [int(c) for c in floor.get("seen") or [0] * len(self.drawn)]
        self._inner_n = int(floor.get("inner_n", 0))
        self.inner.load(dict(state.get("inner") or {}))

    # -- the floor ---------------------------------------------------------------------------
    def _floor(self, engine: Engine, n: int) -> list[Case]:
        """Up to ``n`` new cases for the tests short of the floor, the fewest first; none
        when every test has its floor, is out of reach, or the floor's budget is spent."""
        oracle = engine.oracle
        k = len(oracle.relations) if oracle.metamorphic else 0
        if not k:
            return []
        if not self.drawn:
            self.drawn, self.out_of_reach, self.seen = [0] * k, [False] * k, [0] * k
            self.start = engine.model.queries
            left = engine.model.remaining()
            self.cap = None if left is None else left // FLOOR_SHARE
            time_left = getattr(engine.model, "time_left", lambda: None)()
            if left is None and time_left is not None:  # (``--max-time`` alone)
                self.time_cap = float(time_left) / FLOOR_SHARE
                self.time_start = float(engine.model.elapsed)
        if self.cap is not None and engine.model.queries - self.start >= self.cap:
            return []
        if self.time_cap is not None and engine.model.elapsed - self.time_start >= self.time_cap:
            return []
        ways = self._ways(engine)
        out: list[Case] = []
        keys: set[int] = set()
        short = [r for r in range(k) if self.drawn[r] < self.cases and not self.out_of_reach[r]]
        short.sort(key=lambda r: (self.drawn[r], r))
        # one case per test in turn, so that a budget ending the floor leaves them even
        while short and len(out) < n:
            for r in list(short):
                case = self._draw(engine, r, ways[r], keys)
                if case is None:
                    self.out_of_reach[r] = True
                    short.remove(r)
                    continue
                out.append(case)
                self.drawn[r] += 1
                if self.drawn[r] >= self.cases:
                    short.remove(r)
                if len(out) >= n:
                    break
        return out

    def _short(self) -> list[int]:
        """The tests short of their share (``FAIR``: of the cases proposed so far, the
        floor's before the walk included), the fewest cases first."""
        k = len(self.drawn)
        if not k or len(self.seen) != k:
            return []
        counts = [d + s for d, s in zip(self.drawn, self.seen, strict=True)]
        want = -(-sum(counts) // (FAIR * k))
        short = [r for r in range(k) if counts[r] < want and not self.out_of_reach[r]]
        return sorted(short, key=lambda r: (counts[r], r))

    def _beside_share(self, engine: Engine, n: int) -> int:
        """The floor's proposals of a round of ``n`` beside the strategy: ``n // BESIDE``
        (at least 1) while some test is short of its share, else none."""
        del engine
        if n < 2 or not self.cases or not self._short():
            return 0
        return max(1, n // BESIDE)

    def _beside(self, engine: Engine, m: int, keys: set[int]) -> list[Case]:
        """Up to ``m`` new cases for the tests short of their share, the fewest first, one
        each in turn."""
        ways = self._ways(engine)
        out: list[Case] = []
        short = self._short()
        while short and len(out) < m:
            for r in list(short):
                case = self._draw(engine, r, ways[r], keys)
                if case is None:
                    self.out_of_reach[r] = True
                    short.remove(r)
                    continue
                out.append(case)
                self.drawn[r] += 1
                if len(out) >= m:
                    break
            short = [r for r in self._short() if r in short]
        return out

    def _draw(self, engine: Engine, r: int, way: dict[int, int], keys: set[int]) -> Case | None:
        """A new case of test ``r`` (one of its places in a derivation drawn to reach it:
        ``_spine``), or None after ``_PATIENCE`` draws gave none."""
        oracle = engine.oracle
        for _ in range(_PATIENCE):
            tree = self._spine(engine, engine.g.start, engine.sampler.max_depth, r, way)
            if tree is None:
                continue
            spots = [c for c in oracle.cases(tree) if c.relation == r]
            if not spots:
                continue
            case = spots[engine.draws.below(len(spots))]
            key = engine.case_key(case)
            if key in keys or key in engine.keys:
                continue
            keys.add(key)
            return case
        return None

    def _spine(
        self, engine: Engine, s: int, budget: int, r: int, way: dict[int, int]
    ) -> Tree | None:
        """A random derivation of ``s`` holding one node test ``r`` is about: at each node
        on the way to it, a production (by the grammar's weights) one of whose symbols can
        derive such a node, one such symbol drawn to go on; everything off the way drawn as
        the grammar draws it.  None when the depth left allows no way."""
        g, sampler, draws = engine.g, engine.sampler, engine.draws
        prods = sampler.choices(s, budget)[0]
        aims = [p for p in prods if r in engine.oracle.focus_of(p)]
        if aims:
            return sampler.alternative_tree(self._pick(engine, aims), budget, draws)
        onward = [
            p
            for p in prods
            if any(
                isinstance(it, int) and way.get(it, budget) < budget for it in g.productions[p][1]
            )
        ]
        if not onward:
            return None
        p = self._pick(engine, onward)
        items = g.productions[p][1]
        ways = [
            i for i, it in enumerate(items) if isinstance(it, int) and way.get(it, budget) < budget
        ]
        at = ways[draws.below(len(ways))]
        kids: list[Any] = []
        for i, it in enumerate(items):
            if isinstance(it, str):
                kids.append(it)
            elif i == at:
                kid = self._spine(engine, it, budget - 1, r, way)
                if kid is None:
                    return None
                kids.append(kid)
            else:
                kids.append(sampler.tree(it, budget - 1, draws))
        return (p, tuple(kids))

    @staticmethod
    def _pick(engine: Engine, prods: list[int]) -> int:
        """One of ``prods``, drawn by the grammar's weights (all alike when unweighted)."""
        if len(prods) == 1:
            return prods[0]
        weights = engine.g.weights
        w = [float(weights[p]) if engine.sampler.weighted else 1.0 for p in prods]
        u = engine.draws.next() * sum(w)
        acc = 0.0
        for p, x in zip(prods, w, strict=True):
            acc += x
            if u < acc:
                return p
        return prods[-1]

    def _ways(self, engine: Engine) -> list[dict[int, int]]:
        """Per test, each symbol that can derive a node the test is about, with the fewest
        levels below it to one (0: the symbol's own node)."""
        if self._way is None:
            g, oracle = engine.g, engine.oracle
            out = []
            for r in range(len(oracle.relations)):
                way = {
                    g.productions[p][0]: 0
                    for p in range(g.n_productions)
                    if r in oracle.focus_of(p)
                }
                grown = True
                while grown:
                    grown = False
                    for lhs, items in g.productions:
                        below = [way[it] for it in items if isinstance(it, int) and it in way]
                        if below and min(below) + 1 < way.get(lhs, 1 << 30):
                            way[lhs] = min(below) + 1
                            grown = True
                out.append(way)
            self._way = out
        return self._way


def _first(got: Evaluated, n: int) -> Evaluated:
    """``got``'s first ``n`` cases, as a round of those alone."""
    # made through its constructor: a class compiled by mypyc (make compiled) refuses a bare
    # ``__new__`` (its ``__init__`` runs: "missing required argument 'cases'")
    verdict = Verdict(error=got.error[:n], margin=got.margin[:n], detail=got.detail[:n])
    return Evaluated(got.cases[:n], verdict, got.outputs[:n])


def floor_drawn(engine: Any) -> list[int] | None:
    """Per test, the cases a run's floors drew at random (every lane's added; a campaign's
    merged statistics: ``drawn_by_floor``), or None when the run has no floor."""
    merged = getattr(engine, "drawn_by_floor", None)
    if isinstance(merged, list):
        return merged
    lanes = [c.get("strategy") for c in getattr(engine, "_ctx", None) or []]
    floors = [s for s in lanes or [getattr(engine, "strategy", None)] if isinstance(s, SuiteFloor)]
    if not floors:
        return None
    k = max(len(f.drawn) for f in floors)
    return [sum(f.drawn[r] for f in floors if len(f.drawn) == k) for r in range(k)]
