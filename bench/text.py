"""Benchmark of the text search strategies (prints tables; not a test).

Pairs, on the built-in review grammar, same query budget for every strategy, several seeds:
(a) two TF-IDF + logistic-regression models trained on the shipped tweets, identical except
    that one deletes negation words before vectorising;
(b) VADER vs TextBlob.
Every run goes through ``assay.check_text`` (store, checkpoints, shrinking included: the
queries spent shrinking count against the budget).  Then bulk generation speed on a 30-rule
grammar (the built-in topics grammar) against tree-by-tree generation.

    python bench/text.py                   # 20,000 queries per run, seeds 1-3
    python bench/text.py --quick           # 3,000 queries, seeds 1-2
    python bench/text.py --queries 10000 --seeds 1 2 3 4
    python bench/text.py --queries 3000 --seeds 1 2 3 --breakdown   # where the time goes
    python bench/text.py --queries 600 --seeds 1 2 3 4 5 6 --pairs a --grammar builtin:topics
    python bench/text.py --queries 3000 --seeds 1 2 --pairs a b --where   # where queries go

Pair (c) is pair (a) with each classifier 1 ms slower per sentence: what share of the wall
time the classifiers take when they cost what a small transformer does.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from statistics import mean, median
from typing import Any

from assay.core.rng import generator
from assay.text.api import builtin_classifier, check_text, setup_text
from assay.text.generate import BatchGenerator, Draws, Sampler, tree_text
from assay.text.grammar import load_grammar

STRATEGIES = ("random", "ogma", "walk", "explore", "harvest")
MINE = ("walk", "explore", "harvest")  # assay's strategies (walk: the default)
PAIRS = {
    "a": ("tfidf", "tfidf-nonegation"),
    "b": ("vader", "textblob"),
    # pair (a) again, each classifier costing 1 ms more per sentence (the order of a small
    # transformer on a CPU core, or a served model): same findings, the time share differs
    "c": ("tfidf", "tfidf-nonegation"),
}
COSTLY_MS = {"c": 1.0}  # extra milliseconds per sentence, per classifier
FASTER = (1.5, 2.0, 3.0, 5.0)  # the replay with the search's CPU this many times smaller
# where the replay's waits were made (``Dispatch``'s methods: pure Python in every build)
ROUND_END = "reading a round's proposals sent ahead"
PARTLY_ASKED = "a batch partly asked before (shrinking's candidates)"
TURN_GIVEN = "a batch sent before the turn passed (lanes, lag)"
OTHER_WAIT = "other batches"


class Costly:
    """A built-in classifier that takes ``ms`` milliseconds longer per sentence (slept: a
    stand-in for a heavier model, whose cost does not depend on the machine's load)."""

    def __init__(self, inner: Any, ms: float) -> None:
        self.inner = inner
        self.ms = ms
        self.capabilities = inner.capabilities
        self.info = {**inner.info, "extra ms per sentence": ms}

    def predict(self, inputs: Any, /) -> Any:
        time.sleep(self.ms * len(inputs) / 1000.0)
        return self.inner.predict(inputs)


class Overlap:
    """What the run's share would be on two idle cores: the search's CPU between the points
    where it sends a batch to the classifiers' worker or waits for one, and the worker's CPU
    per batch, replayed as a schedule (the search one core, the worker the other).  Measured
    in CPU time, so other processes on a loaded machine move it little."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float, int]] = []
        self.sent = 0
        self.worker: Any = None
        self._index: dict[int, int] = {}
        self._undo: list[tuple[Any, str, Any]] = []
        self.shrinking = False  # inside ``Engine._findings`` (shrinking, known-minimal checks)
        self.in_shrinking: set[int] = set()  # the wait events made while shrinking
        # whether the hook on ``Engine._findings`` ran at all: a compiled build calls it past
        # the hook, and then "while shrinking" is not seen (not 0)
        self.shrinking_seen = False
        # the wait events by where ``Dispatch`` (pure Python in every build) made them
        self.at: str | None = None
        self.wait_where: dict[int, str] = {}
        # of the last replay: seconds the search waited, of them while shrinking, by where
        self.waited = self.waited_shrinking = 0.0
        self.waited_where: dict[str, float] = {}

    def install(self) -> None:
        from assay.core.budget import BudgetedModel
        from assay.text import dispatch, engine, pipeline

        me = self
        send_early = pipeline.PanelWorker.send_early
        predict = pipeline.PanelWorker.predict
        submit_new = BudgetedModel.submit_new
        read = dispatch.Flight.read

        def wait_event(t: float, j: int) -> None:
            if me.shrinking:
                me.in_shrinking.add(len(me.events))
            me.wait_where[len(me.events)] = me.at or OTHER_WAIT
            me.events.append(("wait", t, j))

        findings = engine.Engine._findings

        def shrinking(self: Any, got: Any) -> Any:
            me.shrinking = me.shrinking_seen = True
            try:
                return findings(self, got)
            finally:
                me.shrinking = False

        def early(self: Any, inputs: Any) -> None:
            me.worker = self
            me.events.append(("send", time.process_time(), me.sent))
            me.sent += 1
            send_early(self, inputs)

        def pred(self: Any, inputs: Any) -> Any:
            me.worker = self
            if not any(sent is inputs for sent in self._out):  # sent now, waited for now
                t = time.process_time()
                me.events.append(("send", t, me.sent))
                wait_event(t, me.sent)
                me.sent += 1
            return predict(self, inputs)

        def submit(self: Any, inputs: Any, keys: Any) -> Any:
            call = submit_new(self, inputs, keys)
            me._index[id(call)] = me.sent - 1
            return call

        def flight_read(self: Any, model: Any, pending: Any) -> Any:
            if self.value is None and id(self.call) in me._index:
                wait_event(time.process_time(), me._index[id(self.call)])
            return read(self, model, pending)

        def where(attr: str, label: str) -> Any:
            orig = getattr(dispatch.Dispatch, attr)

            def at(self: Any, *args: Any) -> Any:
                outer, me.at = me.at, label
                try:
                    return orig(self, *args)
                finally:
                    me.at = outer

            return at

        for owner, attr, new in (
            (dispatch.Dispatch, "_predict_sent", where("_predict_sent", ROUND_END)),
            (dispatch.Dispatch, "_predict_partial", where("_predict_partial", PARTLY_ASKED)),
            (dispatch.Dispatch, "_predict_turns", where("_predict_turns", TURN_GIVEN)),
            (pipeline.PanelWorker, "send_early", early),
            (pipeline.PanelWorker, "predict", pred),
            (BudgetedModel, "submit_new", submit),
            (dispatch.Flight, "read", flight_read),
            (engine.Engine, "_findings", shrinking),
        ):
            self._undo.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, new)

    def restore(self) -> None:
        for owner, attr, orig in reversed(self._undo):
            setattr(owner, attr, orig)
        self._undo = []

    def replay(self, cpu_total: float, faster: float = 1.0) -> tuple[float, float] | None:
        """(seconds the run would take on two idle cores, the classifiers' share of them).
        ``faster``: the search process's CPU that many times smaller (every stretch between
        two sends or waits, and the set-up, store and summary around them), the batches and
        the classifiers' CPU per batch as measured: what a faster search would get."""
        if self.worker is None or not self.events:
            return None
        if faster != 1.0:
            saved = self.waited, self.waited_shrinking, self.waited_where
            try:
                return self._replay(cpu_total, faster)
            finally:
                self.waited, self.waited_shrinking, self.waited_where = saved
        return self._replay(cpu_total, faster)

    def needed(self, cpu_total: float, share: float = 0.8) -> float | None:
        """How many times smaller the search process's CPU must be for the replay to reach
        ``share`` (None: not within 1,000x; 1.0: already there)."""
        got = self.replay(cpu_total)
        if got is None or got[1] >= share:
            return None if got is None else 1.0
        lo, hi = 1.0, 1000.0
        if (self.replay(cpu_total, hi) or (0.0, 0.0))[1] < share:
            return None
        for _ in range(40):
            mid = (lo * hi) ** 0.5
            if (self.replay(cpu_total, mid) or (0.0, 0.0))[1] >= share:
                hi = mid
            else:
                lo = mid
        return hi

    def _replay(self, cpu_total: float, faster: float) -> tuple[float, float]:
        busy = self.worker.busy
        end: dict[int, float] = {}
        main = free = 0.0
        last = self.events[0][1]
        start_cpu = last
        waited = shrinking = 0.0
        by: dict[str, float] = {}
        for at, (kind, t, j) in enumerate(self.events):
            main += (t - last) / faster
            last = t
            if j >= len(busy):
                continue
            if kind == "send":
                end[j] = max(free, main) + busy[j]
                free = end[j]
            elif j in end:
                idle = max(0.0, end[j] - main)
                waited += idle
                if at in self.in_shrinking:
                    shrinking += idle
                label = self.wait_where.get(at, OTHER_WAIT)
                by[label] = by.get(label, 0.0) + idle
                main = max(main, end[j])
        self.waited, self.waited_shrinking, self.waited_where = waited, shrinking, by
        main += max(0.0, cpu_total - (last - start_cpu)) / faster
        wall = max(main, free)
        return wall, sum(busy[: self.sent]) / max(wall, 1e-9)


class Timers:
    """Exclusive wall and main-thread CPU time of wrapped methods (time in a nested wrapped
    call is charged to the inner one only)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._local = threading.local()  # per thread (lanes): its open calls
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, attr: str, label: str) -> None:
        orig = getattr(owner, attr)
        timers = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            stack = timers._stack
            stack.append([0.0, 0.0])
            try:
                return orig(*args, **kwargs)
            finally:
                child = stack.pop()
                dw, dc = time.perf_counter() - t0, time.thread_time() - c0
                timers.wall[label] = timers.wall.get(label, 0.0) + dw - child[0]
                timers.cpu[label] = timers.cpu.get(label, 0.0) + dc - child[1]
                if stack:
                    stack[-1][0] += dw
                    stack[-1][1] += dc

        setattr(owner, attr, timed)
        self._undo.append((owner, attr, orig))

    @property
    def _stack(self) -> list[list[float]]:
        stack: list[list[float]] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def restore(self) -> None:
        for owner, attr, orig in reversed(self._undo):
            setattr(owner, attr, orig)
        self._undo = []


def breakdown(
    pair: str, queries: int, seed: int, store: Path, grammar: str = "builtin:reviews"
) -> None:
    """Where a walk run's wall time goes, per query (one seed, timers around the parts)."""
    from assay.core.budget import BudgetedModel
    from assay.text import dispatch, engine, oracle, shrink, strategies

    models = _models(pair)
    setup = setup_text(models, names=list(PAIRS[pair]), grammar=grammar)
    timers = Timers()
    timers.wrap(engine.Engine, "step", "rest of the round (observing, bookkeeping)")
    timers.wrap(strategies.WalkStrategy, "propose", "proposing (generation, moves)")
    timers.wrap(engine.Engine, "evaluate", "keys, counts, statistics")
    timers.wrap(oracle.Oracle, "judge", "judging (the oracle)")
    timers.wrap(engine.Engine, "_findings", "shrinking, known-minimal checks, findings")
    timers.wrap(shrink.Shrinker, "candidates", "shrinking, known-minimal checks, findings")
    timers.wrap(BudgetedModel, "predict", "calling the classifiers (dispatch, waiting)")
    timers.wrap(BudgetedModel, "predict_new", "calling the classifiers (dispatch, waiting)")
    timers.wrap(BudgetedModel, "submit_new", "calling the classifiers (dispatch, waiting)")
    timers.wrap(dispatch.Flight, "read", "calling the classifiers (dispatch, waiting)")  # the wait
    turn = "waiting for the turn (the other lane runs)"
    timers.wrap(engine.Engine, "_give_turn", turn)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        r = check_text(setup=setup, max_queries=queries, seed=seed, store=store)
    finally:
        timers.restore()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    inside, inside_cpu = sum(setup.model.seconds), sum(setup.model.cpu_seconds)
    ran = (r.summary.get("classifiers answered in") or {}).get("mode", "inline")
    label = "calling the classifiers (dispatch, waiting)"
    if ran == "inline":  # the classifiers' own time is inside the call
        timers.wall[label] = timers.wall.get(label, 0.0) - inside
    timers.cpu[label] = timers.cpu.get(label, 0.0)
    parts = {
        f"inside the classifiers ({ran}{'; overlaps the rest' if ran != 'inline' else ''})": (
            inside,
            inside_cpu,
        ),
        **{k: (timers.wall[k], timers.cpu.get(k, 0.0)) for k in timers.wall},
    }
    # the search's parts on its own thread(s): a lane waiting for the turn covers the
    # other lane's parts, and the classifiers answer beside them (outside inline mode)
    steps = sum(w for k, (w, _c) in parts.items() if k != turn and not k.startswith("inside"))
    if ran == "inline":
        steps += inside
    parts["setup, store, checkpoints, summary"] = (max(wall - steps, 0.0), 0.0)
    n = max(r.progress["queries"], 1)
    print(
        f"  where the walk's time goes (pair ({pair}), seed {seed}, {n:,} queries, "
        f"{setup.model.calls:,} classifier calls, classifiers {ran}; wall {wall:.2f} s, "
        f"search process CPU {cpu:.2f} s):"
    )
    if not search_code().startswith("pure"):
        print(
            "    (compiled modules call each other directly, past these timers: their parts "
            "are charged to the nearest timed caller, 'rest of the round' mostly)"
        )
    print(f"    {'part':<48}{'us/query':>10}{'share':>8}{'CPU us/q':>10}")
    for k, (w, c) in sorted(parts.items(), key=lambda kv: -kv[1][0]):
        cpu_text = f"{1e6 * c / n:>10.0f}" if c else f"{'':>10}"
        print(f"    {k:<48}{1e6 * w / n:>10.0f}{w / wall:>8.0%}{cpu_text}")


def where(
    pair: str,
    queries: int,
    seeds: list[int],
    store: Path,
    grammar: str = "builtin:reviews",
    strategies: tuple[str, ...] = MINE,
) -> None:
    """Where the queries of assay's strategies go (per seed): search proposals and shrinking
    candidates, how often each fails, and the errors handed to shrinking (not already
    holding a known minimal error failing the same way), with how many of those hold one
    failing another way (a harvested sentence whose labels moved: shrunk at full cost)."""
    from assay.text import engine as text_engine

    models = _models(pair)
    counts: dict[str, int] = {}
    made: list[Any] = []
    orig_init = text_engine.Engine.__init__
    orig_rows = text_engine.Engine._shrink_rows

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        made.append(self)

    def rows(self: Any, got: Any, failing: list[int]) -> Any:
        for i in failing:
            sig = text_engine.signature(got.detail[i])
            if self._known_within(got.cases[i], sig) is None:
                counts["shrunk"] = counts.get("shrunk", 0) + 1
                if self._known_within(got.cases[i], None) is not None:
                    counts["other"] = counts.get("other", 0) + 1
        return orig_rows(self, got, failing)

    text_engine.Engine.__init__ = init  # type: ignore[method-assign]
    text_engine.Engine._shrink_rows = rows  # type: ignore[method-assign]
    try:
        print(f"  where the queries go (pair ({pair}), {queries:,} queries per run):")
        print(
            f"    {'strategy':<9}{'seed':>5}{'proposed':>10}{'fail':>7}{'shrinking':>11}"
            f"{'fail':>7}{'errors shrunk':>15}{'of them holding another core':>30}"
        )
        for strategy in strategies:
            for seed in seeds:
                counts.clear()
                made.clear()
                setup = setup_text(
                    models, names=list(PAIRS[pair]), grammar=grammar, strategy=strategy
                )
                r = check_text(setup=setup, max_queries=queries, seed=seed, store=store)
                e = made[-1]
                shrinking = r.progress["queries"] - e.proposed
                print(
                    f"    {strategy:<9}{seed:>5}{e.proposed:>10,}"
                    f"{e.search_errors / max(e.proposed, 1):>7.0%}{shrinking:>11,}"
                    f"{(e.errors - e.search_errors) / max(shrinking, 1):>7.0%}"
                    f"{counts.get('shrunk', 0):>15,}{counts.get('other', 0):>30,}"
                )
    finally:
        text_engine.Engine.__init__ = orig_init  # type: ignore[method-assign]
        text_engine.Engine._shrink_rows = orig_rows  # type: ignore[method-assign]


def _models(pair: str) -> list[Any]:
    models = [builtin_classifier(n) for n in PAIRS[pair]]
    if pair in COSTLY_MS:
        models = [Costly(m, COSTLY_MS[pair]) for m in models]
    return models


def run_pair(
    pair: str, queries: int, seeds: list[int], store: Path, grammar: str = "builtin:reviews"
) -> dict[str, list[Any]]:
    names = PAIRS[pair]
    models = _models(pair)
    out: dict[str, list[Any]] = {}
    for strategy in STRATEGIES:
        for seed in seeds:
            t0 = time.perf_counter()
            c0 = time.process_time()
            setup = setup_text(models, names=list(names), grammar=grammar, strategy=strategy)
            overlap = Overlap()
            overlap.install()
            try:
                r = check_text(setup=setup, max_queries=queries, seed=seed, store=store)
            finally:
                overlap.restore()
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            ran = (r.summary.get("classifiers answered in") or {}).get("mode", "inline")
            # the replay takes the search for one core's work: not so when it used more CPU
            # than wall time (native thread pools), then it is left out
            replay = overlap.replay(cpu) if cpu <= 1.05 * wall else None
            faster = (
                {k: (overlap.replay(cpu, k) or (0.0, 0.0))[1] for k in FASTER} if replay else None
            )
            needed = overlap.needed(cpu) if replay else None
            # honest share: time inside the classifiers' own predict calls over the wall
            # time of the whole run (setup, store, shrinking, checkpoints, summary included);
            # and the same in CPU time (the classifiers' thread over the whole process), which
            # other processes on a loaded machine move much less
            inside = sum(setup.model.seconds)
            inside_cpu = sum(setup.model.cpu_seconds)
            if ran == "process":  # the classifiers' CPU is the worker's, not this process's
                cpu += inside_cpu
            m = r.summary["metrics"]
            out.setdefault(strategy, []).append(
                {
                    # the search's own (what compares strategies; the run's, over every query
                    # it asked, the determinism checks' included, is the plain metric)
                    "per1000": m["errors per 1,000 queries of the search phase only"] or 0.0,
                    "minimal": m["distinct minimal failing sentences"],
                    "errors": m["errors found (distinct failing sentences)"],
                    "share": inside / wall,
                    "cpu_share": inside_cpu / max(cpu, 1e-9),
                    "wall": wall,
                    "cpu": cpu,
                    "per_call": r.progress["queries"] / max(setup.model.calls, 1),
                    "queries": r.progress["queries"],
                    "ran": ran,
                    "idle_share": replay[1] if replay else None,
                    "idle_wall": replay[0] if replay else None,
                    # of the replay: the search's waits (those while shrinking), and the
                    # share with no wait at all (the classifiers' CPU over the search's)
                    "idle_waited": overlap.waited if replay else None,
                    "idle_waited_shrinking": (
                        overlap.waited_shrinking if replay and overlap.shrinking_seen else None
                    ),
                    "idle_waited_where": dict(overlap.waited_where) if replay else None,
                    # the replay with the search process's CPU k times smaller, and the k
                    # that 80 % would take (the same batches, the classifiers as measured)
                    "faster": faster,
                    "needed": needed,
                    "no_wait_share": (
                        replay[1] * replay[0] / max(replay[0] - overlap.waited, 1e-9)
                        if replay
                        else None
                    ),
                }
            )
    return out


def print_pair(
    pair: str,
    rows: dict[str, list[Any]],
    queries: int,
    seeds: list[int],
    grammar: str = "builtin:reviews",
) -> None:
    names = " vs ".join(PAIRS[pair])
    if pair in COSTLY_MS:
        names += f", each {COSTLY_MS[pair]:g} ms slower per sentence"
    print(f"\npair ({pair}) {names}: grammar {grammar}, {queries:,} queries per run, seeds {seeds}")
    print(
        f"{'strategy':<10}{'err/1000 srch q':>15}{'distinct minimal':>18}{'errors':>9}"
        f"{'in classifiers':>16}{'wall s':>9}{'CPU in clf':>12}{'CPU s':>8}{'sent/call':>11}"
    )
    for s in STRATEGIES:
        r = rows[s]
        print(
            f"{s:<10}{mean(x['per1000'] for x in r):>15.1f}"
            f"{mean(x['minimal'] for x in r):>18.1f}{mean(x['errors'] for x in r):>9.0f}"
            f"{mean(x['share'] for x in r):>15.0%}{mean(x['wall'] for x in r):>9.1f}"
            f"{mean(x['cpu_share'] for x in r):>11.0%}{mean(x['cpu'] for x in r):>8.2f}"
            f"{mean(x['per_call'] for x in r):>11.1f}"
        )
    for mine in MINE:
        walk = rows[mine]
        for base in ("random", "ogma"):
            b = rows[base]
            r1 = mean(x["per1000"] for x in walk) / max(mean(x["per1000"] for x in b), 1e-9)
            r2 = mean(x["minimal"] for x in walk) / max(mean(x["minimal"] for x in b), 1e-9)
            m1 = median(x["per1000"] for x in walk) / max(median(x["per1000"] for x in b), 1e-9)
            m2 = median(x["minimal"] for x in walk) / max(median(x["minimal"] for x in b), 1e-9)
            print(
                f"  {mine} / {base}: {r1:.2f}x errors per 1,000 queries of the search, {r2:.2f}x "
                "distinct "
                f"minimal errors (medians over the seeds: {m1:.2f}x, {m2:.2f}x)"
            )
    walk = rows["walk"]
    for s in STRATEGIES:
        print(
            f"  {s} per seed: errors/1000 search q "
            + " ".join(f"{x['per1000']:.0f}" for x in rows[s])
            + "; distinct minimal "
            + " ".join(str(x["minimal"]) for x in rows[s])
        )
    for mine in MINE:
        got = rows[mine]
        if pair in ("a", "c"):
            ok1 = mean(x["per1000"] for x in got) >= 3 * mean(x["per1000"] for x in rows["random"])
            ok2 = mean(x["per1000"] for x in got) >= 1.5 * mean(x["per1000"] for x in rows["ogma"])
            print(
                f"  target (a), {mine}: >= 3x random {'met' if ok1 else 'NOT met'}; "
                f">= 1.5x ogma {'met' if ok2 else 'NOT met'}"
            )
        else:
            ok1 = mean(x["minimal"] for x in got) >= 2 * mean(x["minimal"] for x in rows["random"])
            ok2 = mean(x["minimal"] for x in got) >= 2 * mean(x["minimal"] for x in rows["ogma"])
            print(
                f"  target (b), {mine}: distinct minimal >= 2x random "
                f"{'met' if ok1 else 'NOT met'}; >= 2x ogma {'met' if ok2 else 'NOT met'}"
            )
    share = mean(x["share"] for x in walk)
    cpu_share = mean(x["cpu_share"] for x in walk)
    ran = ", ".join(sorted({x["ran"] for x in walk}))
    print(
        f"  walk: {share:.0%} of wall time inside the classifiers (their predict calls, "
        f"timed where they ran: {ran}, over the whole run's wall time) "
        f"(target 80 %: {'met' if share >= 0.8 else 'NOT met'}); {cpu_share:.0%} of the "
        "run's CPU time (the classifiers' over the search's and theirs)"
    )
    idle = [x["idle_share"] for x in walk if x["idle_share"] is not None]
    if len(idle) < len(walk):
        print(
            f"  walk, replayed on two idle cores: left out for {len(walk) - len(idle)} of "
            f"{len(walk)} runs (the search used more CPU than wall time: native threads)"
        )
    if idle:
        print(
            f"  walk, replayed on two idle cores (the search's and the worker's CPU times, "
            f"the run's schedule of batches sent and waited for): {mean(idle):.0%} of the "
            f"wall time inside the classifiers; per seed " + " ".join(f"{x:.0%}" for x in idle)
        )
        done = [x for x in walk if x["idle_share"] is not None]
        print(waits_line(done))
        shares = " ".join(f"{k:g}x {mean(x['faster'][k] for x in done):.0%}" for k in FASTER)
        needed = [x["needed"] for x in done]
        need = (
            "more than 1,000x"
            if any(n is None for n in needed)
            else f"{max(needed):.1f}x (per seed " + " ".join(f"{n:.1f}x" for n in needed) + ")"
        )
        print(
            f"  walk, replayed with the search process's CPU k times smaller (same batches, "
            f"the classifiers' CPU as measured): {shares}; 80 % would take {need}"
        )


def waits_line(done: list[dict[str, Any]]) -> str:
    """What bounds the replay: the search's waits (while shrinking where the bench's hook on
    ``Engine._findings`` saw it, which a compiled build calls past; and by where ``Dispatch``
    made them, seen in every build) and the share with no wait at all."""
    waited = mean(x["idle_waited"] for x in done)
    shrinking = [x["idle_waited_shrinking"] for x in done]
    if any(s is None for s in shrinking):
        while_shrinking = "while shrinking: not seen, the compiled build calls it past the hook"
    else:
        while_shrinking = f"{mean(shrinking):.2f} s of it while shrinking"
    where: dict[str, float] = {}
    for x in done:
        for label, seconds in (x.get("idle_waited_where") or {}).items():
            where[label] = where.get(label, 0.0) + seconds / len(done)
    split = "; ".join(
        f"{s:.2f} s {label}" for label, s in sorted(where.items(), key=lambda kv: -kv[1])
    )
    return (
        f"  walk, what bounds that replay: the search waited {waited:.2f} s per run for answers "
        f"({while_shrinking}{'; ' + split if split else ''}) in "
        f"{mean(x['idle_wall'] for x in done):.2f} s; with no wait at all the share would be "
        f"{mean(min(1.0, x['no_wait_share']) for x in done):.0%} (the classifiers' CPU over "
        "the search's own)"
    )


def generation(n: int) -> None:
    g = load_grammar("builtin:topics")
    n_rules = len(g.names)
    bulk = BatchGenerator(g, generator(0))
    bulk.sentences(1000)
    t0 = time.perf_counter()
    done = 0
    while done < n:
        bulk.sentences(50_000)
        done += 50_000
    rate = done / (time.perf_counter() - t0)
    sampler = Sampler(g)
    draws = Draws(generator(1))
    t0 = time.perf_counter()
    m = n // 10
    for _ in range(m):
        tree_text(sampler.sentence_tree(draws))
    tree_rate = m / (time.perf_counter() - t0)
    print(
        f"\ngeneration, built-in topics grammar ({n_rules} rules, {g.n_productions} "
        f"productions): bulk {rate:,.0f} sentences/s (target 200,000: "
        f"{'met' if rate >= 200_000 else 'NOT met'}); tree by tree (the searches' path) "
        f"{tree_rate:,.0f} sentences/s ({rate / tree_rate:.1f}x); coverage "
        f"{bulk.coverage:.0%}"
    )


def search_code() -> str:
    """Which code the search ran: pure Python, or the modules found compiled (extension
    modules in place of ``assay/text/*.py`` or ``assay/core/*.py``, e.g. built by mypyc)."""
    import importlib.util
    import pkgutil

    import assay.core
    import assay.text

    built = []
    for package in (assay.text, assay.core):
        for info in pkgutil.iter_modules(package.__path__):
            spec = importlib.util.find_spec(f"{package.__name__}.{info.name}")
            origin = (spec.origin or "") if spec else ""
            if origin.endswith((".so", ".pyd")):
                built.append(f"{package.__name__.split('.')[-1]}/{info.name}")
    if not built:
        from assay.text.compiled import why_not

        unused = why_not()
        if unused is not None:
            return f"pure Python (the compiled build beside it is not used: {unused})"
        return "pure Python (no compiled module of assay.text or assay.core)"
    return f"compiled modules ({len(built)}): " + ", ".join(sorted(built))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pairs", nargs="+", default=["a", "b", "c"])
    ap.add_argument(
        "--grammar",
        default="builtin:reviews",
        help="the grammar of every pair (the issue's targets are on builtin:reviews)",
    )
    ap.add_argument(
        "--breakdown", action="store_true", help="also time the parts of one walk run per pair"
    )
    ap.add_argument(
        "--where",
        action="store_true",
        help="also print where the queries of assay's strategies go (per seed)",
    )
    args = ap.parse_args()
    if args.quick:
        args.queries, args.seeds = 3_000, [1, 2]
    t0 = time.perf_counter()
    for name in {n for p in args.pairs for n in PAIRS[p]}:
        builtin_classifier(name)
    print(
        f"built-in classifiers ready in {time.perf_counter() - t0:.1f} s "
        "(TF-IDF models trained at first use)"
    )
    print(f"search code measured: {search_code()}")
    with tempfile.TemporaryDirectory() as tmp:
        for pair in args.pairs:
            rows = run_pair(pair, args.queries, args.seeds, Path(tmp) / "runs.db", args.grammar)
            print_pair(pair, rows, args.queries, args.seeds, args.grammar)
            if args.where:
                where(pair, args.queries, args.seeds, Path(tmp) / "runs.db", args.grammar)
            if args.breakdown:
                breakdown(pair, args.queries, args.seeds[0], Path(tmp) / "runs.db", args.grammar)
    generation(200_000 if args.quick else 1_000_000)
    print(
        "\nFigures are from a shared machine: other processes compete for the CPU, so "
        "rates are noisy; ratios within one run are the comparable figures."
    )


if __name__ == "__main__":
    main()
