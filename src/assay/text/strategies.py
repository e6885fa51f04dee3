"""Search strategies: ``random`` (the baseline), ``ogma`` (Udeshi and Chattopadhyay, TSE 2019,
re-implemented from the paper), and ``walk`` (assay's default).

Every strategy only proposes cases the engine has not judged yet, so no sentence is ever
queried twice (for ``ogma`` this is our one change to the published algorithm).
``walk`` lives in ``text.walk``; the moves the searches share in ``text.moves``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from assay.errors import UsageError
from assay.text.engine import Engine, Evaluated
from assay.text.generate import (
    Tree,
    count_derivations,
    enumerate_trees,
    tree_from_json,
    tree_to_json,
)
from assay.text.grammar import cycle_text
from assay.text.moves import _case_from, _case_json, fresh_random, swap_word
from assay.text.oracle import Case
from assay.text.walk import WalkStrategy

__all__ = [
    "DEFAULT_STRATEGY",
    "STRATEGIES",
    "exhaustive_reach",
    "exhaustive_reached",
    "make_strategy",
]

STRATEGIES = ("walk", "harvest", "explore", "random", "ogma", "exhaustive")
DEFAULT_STRATEGY = "walk"


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
    LIMIT: ClassVar[int] = 5_000_000

    def __init__(self, engine_grammar: Any, max_depth: int) -> None:
        total = count_derivations(engine_grammar, max_depth, cap=self.LIMIT + 1)
        if total > self.LIMIT:
            why = (
                f"within --max-depth {max_depth} (its language is infinite: a symbol derives "
                f"itself, {cycle_text(engine_grammar)})"
                if getattr(engine_grammar, "infinite", False)
                else ""
            )
            raise UsageError(
                f"the grammar has more than {self.LIMIT:,} derivations{' ' + why if why else ''}"
                "; exhaustive enumeration is for small grammars (use walk or random)",
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
            # every case of the derivation: a sentence holding a name and a city is a case of
            # each class (one alone left the other's test untried, and a run passed)
            out.extend(case for case in engine.oracle.cases(tree) if engine.is_new(case))
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


def exhaustive_reach(
    grammar: Any,
    max_depth: int,
    budget: int | None,
    *,
    search: int | None = None,
    held: int = 0,
    python: bool = False,
) -> str | None:
    """What to warn of an exhaustive run whose search reaches only the first of the
    grammar's derivations: they come in a fixed order, the last symbols varying first, so a
    budget of 2,000 over 1,000,000 leaves the first symbols as they began (a planted word
    there never asked, and a differential run ended exit 0 "this does not show that none
    exists" where the walk found it at once: hostile44t).  ``search``: the queries the
    search gets of ``budget`` (the run's ``--max-queries``; loading the classifiers and the
    determinism checks ask theirs within it: ``recheck.plan``), ``budget`` when None: the
    warning compared the whole budget, and a budget between the search's share and the
    derivations warned of nothing (left46t).  None when the search's share covers them
    all.  ``held``: the queries of that share the replay holds back when the start's check
    sees a classifier answer a sentence otherwise (``replay_hold.held_back``, known only
    once the run starts): said as a condition, and a share covering every derivation only
    without it warns so (it warned of nothing: left46t's Left).  ``python``: in the
    keywords of an API call (``check_text(strategy=...)``)."""
    if budget is None:
        return None
    share = budget if search is None else min(max(search, 0), budget)
    total = count_derivations(grammar, max_depth, cap=ExhaustiveStrategy.LIMIT + 1)
    held = min(max(held, 0), share)
    if total <= share - held:
        return None
    unless = ""
    if held:
        less = (share - held) * 1000 // total
        unless = (
            f"; if the start's check sees a classifier answer a sentence otherwise, {held:,} "
            "of them are held back to ask its findings again, and the rest reach at most the "
            f"first {less / 10:.1f}%"
        )
    if total <= share:
        queries = f"max_queries={budget}" if python else f"--max-queries {budget:,}"
        return (
            f"{queries} leaves the search {share:,} queries, enough for the grammar's "
            f"{total:,} derivations in the exhaustive order{unless}, in which the first "
            "symbols vary least (the run's headline says how far it reached)"
        )
    strategy, queries, other = (
        ('strategy="exhaustive"', f"max_queries={budget}", 'strategy="walk" or "random"')
        if python
        else ("--strategy exhaustive", f"--max-queries {budget:,}", "--strategy walk or random")
    )
    # rounded down, never up: 9,999 of 10,000 said "the first 100.0%" of a grammar whose
    # last derivation it never asks (audit46t)
    tenths = share * 1000 // total
    reach = f"at most the first {tenths / 10:.1f}%" if tenths else "less than the first 0.1%"
    given = (
        f"{queries} leaves the search {share:,} queries (loading the classifiers and the "
        "determinism checks ask theirs within it), which reach"
        if share < budget
        else f"{queries} reaches"
    )
    # "the first symbols vary least", never "never change": 2,000 of 10,000 derivations of
    # two symbols of 100 alternatives each change the first one 20 times (left46t)
    return (
        f"{strategy} asks the grammar's {total:,} derivations in a fixed order, its last "
        f"symbols varying first: {given} {reach} of them, in which the first symbols vary "
        f"least{unless}; {other} draws from the whole grammar"
    )


def exhaustive_reached(strategy: Any) -> str | None:
    """What an exhaustive run whose budget ended it before its last derivation reached, for
    its headline (None for any other strategy, or one that asked every derivation): a
    --max-queries of the grammar's 4,950 derivations reached 4,820 of them (the checks and
    loading take their queries within it), its last 130 never asked and nothing said of it
    (the loading's warning compares the whole budget: audit46t)."""
    if not isinstance(strategy, ExhaustiveStrategy) or strategy.done or not strategy.total:
        return None
    at, total = strategy.position, strategy.total
    tenths = at * 1000 // total
    share = f"{tenths / 10:.1f}%" if tenths else "less than 0.1%"
    return (
        f"the exhaustive order reached {at:,} of the grammar's {total:,} derivations ({share}), "
        "in which the first symbols vary least: the rest were never asked"
    )


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


def make_strategy(name: str, engine_grammar: Any, max_depth: int, start: Tree | None = None) -> Any:
    if name == "random":
        return RandomStrategy()
    if name == "ogma":
        return OgmaStrategy(start=start)
    if name == "walk":
        # the default screens its drafts with the surrogate (``WalkStrategy``); ``harvest``
        # and ``explore`` stay as they were, for comparison
        return WalkStrategy(screen=3)
    if name == "harvest":
        return WalkStrategy(harvest=True)
    if name == "explore":
        return WalkStrategy(harvest=False)
    if name == "exhaustive":
        return ExhaustiveStrategy(engine_grammar, max_depth)
    raise UsageError(
        f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}", argument="--strategy"
    )
