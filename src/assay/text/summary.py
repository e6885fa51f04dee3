"""The text run's summary: figures, ranked minimal failing sentences, productions and words
with their lift, as JSON data the shared report renders (``metrics`` and ``sections``) plus a
``text`` block for the text-specific parts of the report and for export."""

from __future__ import annotations

from collections.abc import Sized
from typing import Any, Protocol

import numpy as np

from assay.core.display import percent_up, rounded_up
from assay.core.outcome import NO_VARIANT
from assay.core.sentence_cut import cut_sentence, sentences_cut_note
from assay.text.bound import TOO_FEW, upper_tail, zero_bound
from assay.text.depth import beyond_depth
from assay.text.distance_seen import distance_note, largest_distance
from assay.text.floor import floor_drawn
from assay.text.generate import DEFAULT_MAX_DEPTH, count_derivations, deepest_derivation
from assay.text.grammar import Grammar, Invariant
from assay.text.lag_beside import lag_unused
from assay.text.oracle import Oracle
from assay.text.still_answers import still_answers
from assay.text.still_tests import still_tests

__all__ = [
    "BOUND",
    "RUN_PER_1000",
    "RUN_RATE",
    "SEARCH_PER_1000",
    "SEARCH_RATE",
    "SEARCH_SHARE",
    "WALL_SHARE",
    "build_summary",
    "lift_table",
    "odd_members",
    "tests_rows",
]

# the classifiers' time over two clocks, each named (one figure over the search alone read as
# the share of the run's wall clock, beside a wall clock that counted loading)
SEARCH_SHARE = "share of the search's time inside the classifiers (loading not counted)"
WALL_SHARE = "share of the wall clock inside the classifiers (from the command's start)"
# the rates: the run's under their plain names (per every query the run asked of the
# classifiers, per wall-clock second from its start: ``phases``, once they are known; None
# before), the search's own beside them, labelled (they compare strategies).  The per-1,000
# figure once divided by the search's queries alone (4,872 of a run that asked 5,000: its
# determinism checks, the replays of its findings and loading the classifiers left out)
RUN_PER_1000 = "errors per 1,000 queries"
SEARCH_PER_1000 = "errors per 1,000 queries of the search phase only"
RUN_RATE = "errors per second"
SEARCH_RATE = "errors per second of the search phase only"

_MAX_MINIMAL = 200
_CUT_KEYS = ("sentence", "variant", "original")  # (a minimal record's sentences)
UNTESTED = ("not tested", NO_VARIANT)  # (a test's outcomes when no case of it could fail)


class EngineView(Protocol):
    """What a summary reads of a search's engine (``Engine``, or units' merged statistics)."""

    @property
    def oracle(self) -> Oracle: ...
    @property
    def g(self) -> Grammar: ...
    @property
    def errors(self) -> int: ...
    @property
    def cases(self) -> int: ...
    @property
    def per_test(self) -> list[list[int]]: ...
    @property
    def proposed(self) -> int: ...
    @property
    def search_errors(self) -> int: ...
    @property
    def shrink_incomplete(self) -> int: ...
    @property
    def asked(self) -> Sized: ...
    @property
    def prod_n(self) -> np.ndarray: ...
    @property
    def prod_err(self) -> np.ndarray: ...
    @property
    def words(self) -> dict[str, list[int]]: ...
    @property
    def minimal(self) -> dict[str, dict[str, Any]]: ...


def _rate(n: float, d: float) -> float | None:
    return round(n / d, 6) if d > 0 else None


# a lift above 1 that chance alone gives more often than this (its errors among its cases at
# the run's overall error rate: ``upper_tail``) is said to be possibly chance, and ranked
# after those that are not: 5 of 5 cases failing at an overall rate of 88 % (0.88^5 = 0.52)
# ranked beside 528 of 528, both "lift 1.139" (audit46t)
CHANCE = 0.05
CHANCE_NOTE = (
    "A lift above 1 that chance alone would give more often than 1 time in 20 (its errors "
    "among its cases, at the overall error rate) is marked as possibly chance and ranked after "
    "the others."
)


def _lift_row(
    n: int, e: int, base: float, units: int = 1, repeated: int | None = None
) -> dict[str, Any]:
    """A row's figures: its cases, errors and lift, and whether chance could explain it.
    A campaign's (``units`` > 1) counts add its units' (a case two units judged counts
    twice): chance is judged on the fewest errors they can hold (``_fewest``)."""
    lift = (e / n) / base
    k, m = _fewest(n, e, units, repeated)
    chance = lift > 1 and upper_tail(m, k, base) > CHANCE
    return {"cases": n, "errors": e, "lift": round(lift, 3), "possibly chance": chance}


def _fewest(n: int, e: int, units: int, repeated: int | None) -> tuple[int, int]:
    """The distinct errors and cases a row of ``e`` errors among ``n`` cases, added over
    ``units`` units, may stand for, the least telling of them: each error counted by every
    unit (or, ``repeated`` known: the run's errors counted more than once, all in this row),
    no case without an error repeated.  Chance alone gives at least this as often as it
    gives the truth, so the mark is never more confident than the counts allow: read as
    distinct cases, 28 errors in 40 cases added over two units at a 50 % rate were "not
    chance" (1 in 120) where 14 of 20 each counted twice is (1 in 17; left46t)."""
    if units < 2:
        return e, n
    k = -(-e // units)  # (each error counted at most once by each unit)
    if repeated is not None:
        k = max(k, e - repeated)
    return k, k + (n - e)


def _cut_names(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """``rows`` with their names cut as sentences are (``core.sentence_cut``): a grammar's
    100,000-character terminal is a word and a production of its own."""
    return [{**r, name: cut_sentence(r[name])} for r in rows]


def _ranked(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["possibly chance"], -r["lift"], -r["errors"], r[name]))


def lift_table(engine: EngineView, *, limit: int = 15, min_count: int = 5) -> dict[str, Any]:
    """Productions and words most associated with errors: lift = P(error | used) / P(error),
    each over the cases judged (a word counted once per case, as a production is), those
    chance could explain (``CHANCE``) after the others."""
    base = engine.errors / engine.cases if engine.cases else 0.0
    # a campaign's: its units and the errors its counts repeat (``text.units``; None: unknown)
    units, repeated = int(getattr(engine, "units", 1) or 1), getattr(engine, "repeated", None)
    prods: list[dict[str, Any]] = []
    if base > 0:
        for p in range(engine.g.n_productions):
            n, e = int(engine.prod_n[p]), int(engine.prod_err[p])
            if n >= min_count and len(engine.g.alternatives[engine.g.productions[p][0]]) > 1:
                row = _lift_row(n, e, base, units, repeated)
                prods.append({"production": engine.g.describe(p), **row})
    words: list[dict[str, Any]] = []
    if base > 0:
        for w, (n, e) in engine.words.items():
            if n >= min_count:
                words.append({"word": w, **_lift_row(n, e, base, units, repeated)})
    return {
        "productions": _cut_names(_ranked(prods, "production")[:limit], "production"),
        "words": _cut_names(_ranked(words, "word")[:limit], "word"),
        "base_rate": base,
    }


# a test's upper bound, said in the reports' Tests table as a percentage rounded up: the HTML
# wrote the kept 0.0222 (2.21 % over 134 cases) as "0.022", 0.0582 as "0.058" (audit46t)
BOUND = "failure rate below (95 %, none failing)"


def tests_rows(tests: list[dict[str, Any]], columns: list[str]) -> list[list[Any]]:
    """The Tests table's rows: each test's figures in ``columns``, its bound as a percentage
    rounded up (two decimals under 1 %)."""
    return [[_cell(c, t.get(c)) for c in columns] for t in tests]


def _cell(column: str, value: Any) -> Any:
    if column != BOUND or not isinstance(value, int | float) or isinstance(value, bool):
        return value
    return f"{percent_up(value, 2 if value < 0.01 else 1)} %"


def _said(row: dict[str, Any]) -> str:
    return "yes" if row.get("possibly chance") else ""


def odd_members(minimal: list[dict[str, Any]], *, limit: int = 10) -> list[dict[str, Any]]:
    """The members of invariance classes answered unlike the rest of their class, counted
    over the distinct minimal failures (each failure's ``odd`` members), most often first:
    the name a classifier treats differently, where the lift of every name of a class is
    the same (each case asks them all)."""
    counts: dict[str, int] = {}
    for r in minimal:
        for m in set((r.get("detail") or {}).get("odd") or ()):
            counts[str(m)] = counts.get(str(m), 0) + 1
    ranked = sorted(counts.items(), key=lambda mn: (-mn[1], mn[0]))[:limit]
    return [{"member": cut_sentence(m), "failures": n, "of": len(minimal)} for m, n in ranked]


def test_table(engine: EngineView, *, every: bool = False) -> list[dict[str, Any]]:
    """A metamorphic run's tests (the grammar's relations, in its order), each with its cases
    judged, failing cases, failure rate and distinct minimal failing sentences (CheckList's
    summary of a suite); with no failing case, the failure rate's upper bound (95 %) over
    the cases judged, and whether they were too few to tell (``text.floor``); a suite's
    floor: the cases drawn at random for it.  ``every``: the search asked every case there
    is (a small grammar): a test none of whose cases failed passed them all, however few.
    Empty for a differential run."""
    tests = engine.oracle.tests if engine.oracle.metamorphic else []
    minimal = [0] * len(tests)
    for rec in engine.minimal.values():
        r = int(rec.get("relation", -1))
        if 0 <= r < len(tests):
            minimal[r] += 1
    counts = engine.per_test if len(engine.per_test) == len(tests) else [[0, 0]] * len(tests)
    drawn = floor_drawn(engine)
    drawn = drawn if drawn is not None and len(drawn) == len(tests) else None
    every_one = one_label(engine) == list(engine.oracle.layout.names)
    blind = set(_blind_tests(engine)) if every_one else set()
    blind |= set(still_tests(engine))
    apart = getattr(engine, "apart_tests", None)  # (None or short: a run stored before)
    same = {r for r in range(len(tests)) if apart and len(apart) == len(tests) and not apart[r]}
    out = []
    for r, (name, (c, e), m) in enumerate(zip(tests, counts, minimal, strict=True)):
        c_told = 0 if (r in blind or r in same) and not e else c  # (no case could fail)
        bound = zero_bound(c_told) if not e else None
        row: dict[str, Any] = {
            "test": name,
            "cases": c,
            "failing": e,
            "failure rate": round(e / c, 4) if c else None,
            "distinct minimal": m,
            BOUND: None if bound is None else rounded_up(bound),
            "outcome": "failing"
            if e
            else NO_VARIANT
            if c and r in same
            else "not tested"
            if not c_told
            else "no failure in every case"
            if every
            else "too few cases to tell"
            if c < TOO_FEW
            else "no failure found",
        }
        if drawn is not None:
            row["drawn at random (floor)"] = drawn[r]
        out.append(row)
    return out


def one_label(engine: EngineView) -> list[str]:
    """The classifiers of a suite with invariance tests that gave one label to every
    sentence asked (``label_watch``): no swap could change it, so the suite's invariance
    tests tested nothing of them (its other tests may have: the run is not "untested")."""
    if engine.oracle.kind != "suite" or not _blind_tests(engine):
        return []
    watch = getattr(engine, "label_watch", None)
    still = getattr(watch, "still", None)
    names = list(engine.oracle.layout.names)
    if not still or len(still) != len(names):
        return []
    return [n for n, s in zip(names, still, strict=True) if s]


def _blind_tests(engine: EngineView) -> list[int]:
    """A suite's invariance tests (their relations' indices)."""
    return [r for r, rel in enumerate(engine.oracle.relations) if isinstance(rel, Invariant)]


def too_few_reason(summary: dict[str, Any], kind: str, budget: str | None = None) -> str | None:
    """Why a run is not a pass whatever it found (``incomplete_reason``: "not everything was
    tested", exit 2 when nothing failed): a run of several tests (a suite, or one kind of
    test the grammar declares more than once: ``--oracle invariance`` with two
    ``%invariant`` lines) whose tests judged too few cases to tell, or none (``test_table``),
    named; or a search of one test that judged under ``TOO_FEW`` cases in all, none failing,
    before a budget ended it (``budget``: "queries" or "time", when known) with cases of the
    grammar left to ask (``_too_little``).  None when every test told something."""
    text = summary.get("text") or {}
    tests = text.get("tests") or []
    if kind != "suite" and len(tests) < 2:
        return _too_little(summary, budget)
    # a test that judged no case at all tells less than one that judged a few
    few = [t for t in tests if t.get("outcome") in ("too few cases to tell", *UNTESTED)]
    if not few:
        return None
    named = "; ".join(f"{t['test']}: {_judged(t)}" for t in few[:3])
    whose = "the suite's" if kind == "suite" else "the run's"
    blind = [t for t in few if t.get("cases") and t.get("outcome") in UNTESTED]
    return (
        f"{len(few):,} of {whose} {len(tests):,} tests judged too few cases (under "
        f"{TOO_FEW}){', or none that could fail,' if blind else ''} to tell anything "
        f"({named}{'; ...' if len(few) > 3 else ''})"
        + (
            "; a larger --max-queries or --floor gives each its cases"
            if len(blind) < len(few)
            else ""
        )
    )


def _judged(test: dict[str, Any]) -> str:
    """A test's cases judged, none failing, in ``too_few_reason``'s words."""
    cases = int(test.get("cases") or 0)
    if cases and test.get("outcome") == "not tested":  # (``one_label``, ``still_tests``)
        if "%directional" in str(test.get("test")):
            return f"0 of {cases:,}, every classifier giving one answer to every sentence"
        return f"0 of {cases:,}, every classifier giving one label to every sentence"
    if cases and test.get("outcome") == NO_VARIANT:
        return f"0 of {cases:,}, every variant asked being its sentence itself"
    return f"0 of {cases:,}" if cases else "no case judged"


_RAISE = {
    "queries": "the query budget (--max-queries; loading the classifiers counts within it) "
    "ended it: raise --max-queries",
    "time": "the time budget (--max-time) ended it: raise --max-time",
}


def _too_little(summary: dict[str, Any], budget: str | None) -> str | None:
    """Why a search of one kind of test has not passed though nothing failed: it judged
    fewer than ``TOO_FEW`` cases (no failure in so few bounds the failure rate only above
    9.5 %, as ``test_table`` says of a suite's test) and did not run out of cases to ask (a
    small grammar asked whole passes, however few its cases).  A run that judged none is
    ``untested`` ("nothing was tested") instead."""
    cases = summary.get("tested")
    stopped = summary.get("stopped_early") or {}
    errors = (summary.get("metrics") or {}).get("errors found (distinct failing sentences)")
    if not isinstance(cases, int) or not 0 < cases < TOO_FEW or errors:
        return None
    if stopped.get("search") == "space" or summary.get("untested_reason"):
        return None
    judged = f"{cases:,} case{'s' if cases != 1 else ''}"
    why = _RAISE.get(budget or "", "its budget ended it: raise --max-queries (or --max-time)")
    return (
        f"the search judged {judged}, none failing: under {TOO_FEW}, too few to tell "
        f"anything; {why} to give the search at least {TOO_FEW} cases"
    )


def _test_of(oracle: Oracle, rec: dict[str, Any]) -> dict[str, str]:
    """``{"test": ...}``: the relation a metamorphic minimal failure broke, as its line of the
    grammar declares it (``Oracle.tests``); nothing for a differential one."""
    r = int(rec.get("relation", -1))
    tests = oracle.tests if oracle.metamorphic else []
    return {"test": tests[r]} if 0 <= r < len(tests) else {}


def _failed_by(oracle: Oracle, rec: dict[str, Any]) -> dict[str, list[str]]:
    """``{"failed": [...]}``: of a metamorphic run's several classifiers, those that failed
    the test on this minimal sentence (the labels show every classifier's); nothing else."""
    failed = (rec.get("detail") or {}).get("failed")
    if not oracle.metamorphic or len(oracle.layout.names) < 2 or failed is None:
        return {}
    return {"failed": [str(n) for n in failed]}


def _whole_language(engine: EngineView, config: dict[str, Any]) -> int | None:
    """The size of the grammar's language when every sentence of it was asked (a finite
    grammar, differential testing, no depth limit cutting it), else None."""
    g = engine.g
    if g.infinite or engine.oracle.kind != "differential":
        return None
    depth = int(config.get("max_depth") or DEFAULT_MAX_DEPTH)
    if deepest_derivation(g) > depth:  # the depth limit cut some sentences off
        return None
    full = count_derivations(g, depth, cap=10**7)
    if full >= 10**7:
        return None
    return full if len(engine.asked) >= full else None


def _every(whole: int) -> str:
    return (
        "the grammar's one sentence"
        if whole == 1
        else f"every one of the grammar's {whole:,} sentences"
    )


def build_summary(
    engine: EngineView,
    *,
    strategy: str,
    queries: int,
    elapsed: float,
    model_seconds: float,
    config: dict[str, Any],
    exhausted: bool = False,
    untested: str | None = None,
) -> dict[str, Any]:
    """The run's summary; ``exhausted``: the search stopped with no new sentence left to ask
    (said in a clean headline instead of the budget's caveat); ``untested``: why nothing could
    fail (kept as ``untested_reason``; the headline then never says the grammar was tested)."""
    lay = engine.oracle.layout
    kind = engine.oracle.kind
    minimal = sorted(
        engine.minimal.values(),
        key=lambda r: (-r["count"], r["margin"], r["words"], r["sentence"]),
    )
    n_min = len(minimal)
    coverage = float(np.mean(engine.prod_n > 0)) if engine.g.n_productions else 0.0
    what = {
        "differential": "disagreements",
        "invariance": "invariance failures",
        "directional": "directional failures",
        "expect": "expectation failures",
        "suite": "test failures",
    }[kind]
    whole = _whole_language(engine, config)
    part = engine.oracle.partly_compared()
    tested = "tested" if untested is None and part is None else "asked"  # (not all compared)
    # the search's queries, said as the search's: the run's total ("queries asked: ... in
    # all", ``model_queries``) counts loading and the checks too, and the two read as
    # contradicting each other (left46t)
    asked = "query of the search" if queries == 1 else "queries of the search"
    headline = (
        f"{engine.errors:,} {what if engine.errors != 1 else what[:-1]} found in "
        f"{queries:,} {asked} "
        f"({n_min:,} distinct minimal failing sentence{'s' if n_min != 1 else ''}); "
        f"{', '.join(lay.names)}; strategy {strategy}"
        + (f"; {_every(whole)} was {tested}" if whole else "")
        if engine.errors
        else f"no {what[:-1]} found in {queries:,} {asked} ({', '.join(lay.names)}; "
        f"strategy {strategy}); "
        + (
            (
                f"{_every(whole)} was tested"
                if tested == "tested"
                else "the grammar's one sentence was asked"
                if whole == 1
                else f"the grammar's {whole:,} sentences were asked"
            )
            if whole
            else (
                f"the search ran out of new {'sentences' if kind == 'differential' else 'cases'}"
                " to ask before its budget (a small grammar)"
                if exhausted
                else "this does not show that none exists"
            )
        )
    )
    if part:
        headline += f"; {part}"
    if not engine.errors and untested is None and (seen := distance_note(engine.oracle)):
        headline += f"; {seen}"
    tests = test_table(engine, every=exhausted)
    idle = [t["test"] for t in tests if not t["cases"]]
    if idle and len(idle) < len(tests):  # (none judged at all: nothing was tested)
        headline += (
            f"; {len(idle):,} of {len(tests):,} tests judged no case, so nothing of "
            f"{'it' if len(idle) == 1 else 'them'} was tested ({idle[0]}"
            + (", ...)" if len(idle) > 1 else ")")
        )
    blind = one_label(engine)
    if blind:
        watch: Any = getattr(engine, "label_watch", None)
        said = ", ".join(f"{n} ({watch.label(lay, lay.names.index(n))!r})" for n in blind)
        headline += (
            f"; {said} gave one label to every one of the {len(engine.asked):,} sentences "
            f"asked, so no swap of the invariance tests could change "
            f"{'it' if len(blind) == 1 else 'them'}: those tests tested nothing of "
            f"{'it' if len(blind) == 1 else 'them'}"
        )
    stood = still_answers(engine, untested)  # (a classifier that never varied: warned)
    if stood:
        headline += f" (warning: {stood})"
    few = [t["test"] for t in tests if t["outcome"] == "too few cases to tell"]
    if few and kind != "suite" and len(tests) < 2:  # (else ``too_few_reason`` says it first)
        headline += (
            f"; {len(few):,} of {len(tests):,} tests had too few cases (under {TOO_FEW}) to "
            f"tell anything, none failing ({few[0]}" + (", ...)" if len(few) > 1 else ")")
        )
    metrics = {
        "errors found (distinct failing sentences)": engine.errors,
        "distinct minimal failing sentences": n_min,
        RUN_PER_1000: None,  # (``phases._record_queries``: over every query the run asked)
        SEARCH_PER_1000: _rate(1000 * engine.errors, queries),
        RUN_RATE: None,  # (``phases.record_rates``: per wall-clock second from the start)
        SEARCH_RATE: _rate(engine.errors, elapsed),
        "unique sentences generated": len(engine.asked),
        "cases judged": engine.cases,
        "cases proposed by the search (the rest: shrinking)": engine.proposed,
        "errors among proposed cases": engine.search_errors,
        "queries": queries,
        **({"sentences judged that could be compared": engine.oracle.compared} if part else {}),
        **(
            {"largest distance seen (--mode distance)": round(largest, 4)}
            if (largest := largest_distance(engine.oracle)) is not None
            else {}
        ),
        "production coverage": round(coverage, 4),
        SEARCH_SHARE: _rate(model_seconds, elapsed),
    }
    lifts = lift_table(engine)
    ranked = []
    for r in minimal[:_MAX_MINIMAL]:
        outs = np.asarray(r["outputs"])
        per = []
        for k, name in enumerate(lay.names):
            entry: dict[str, Any] = {"classifier": name}
            for which, at in (("", 0), ("variant_", 1)):
                if at >= len(outs) or (at and kind == "differential"):
                    continue
                block = outs[at][lay.offsets[k] : lay.offsets[k] + len(lay.labels[k])]
                j = int(np.argmax(block))
                entry[f"{which}label"] = lay.labels[k][j]
                if lay.answers_scores(k):  # a label answered alone: no number of its own
                    entry[f"{which}probability"] = round(float(block[j]), 4)
                common = lay.maps[k][j]  # the label it was compared as, when another
                if common >= 0 and lay.common[common] != lay.labels[k][j]:
                    entry[f"{which}common_label"] = lay.common[common]
            per.append(entry)
        ranked.append(
            {
                # each cut to ``SENTENCE_MOST`` characters (``core.sentence_cut``): whole in
                # the findings, 200 of 1 MB made a 265 MB summary row (store52)
                "sentence": cut_sentence(r["sentence"]),
                "variant": cut_sentence(r["variant"]),
                "original": cut_sentence(r["original"]),
                "count": r["count"],
                "margin": round(float(r["margin"]), 6),
                "words": r["words"],
                "outputs": per,
                **_test_of(engine.oracle, r),
                **_failed_by(engine.oracle, r),
            }
        )
    sections: list[dict[str, Any]] = []
    if tests:
        sections.append(
            {
                "title": "Tests",
                "text": "Each relation the grammar declares is a test: the cases judged, those "
                "failing (shrinking candidates included), and its distinct minimal failing "
                "sentences; with none failing, the failure rate's upper bound (95 %, over "
                f"the cases judged), and under {TOO_FEW} cases: too few to tell.",
                "table": {
                    "columns": list(tests[0]),
                    "rows": tests_rows(tests, list(tests[0])),
                },
            }
        )
    odd = odd_members(minimal) if kind in ("invariance", "suite") else []
    if odd:
        sections.append(
            {
                "title": "Members answered unlike the rest of their class",
                "text": "In how many of the distinct minimal failures each member of an "
                "invariance class got another label than most of its class's members.",
                "table": {
                    "columns": ["member", "minimal failures", "of"],
                    "rows": [[r["member"], r["failures"], r["of"]] for r in odd],
                },
            }
        )
    if lifts["productions"]:
        sections.append(
            {
                "title": "Productions most associated with errors",
                "text": "Lift: the error rate among sentences using the production, over the "
                f"overall error rate ({lifts['base_rate']:.1%}). {CHANCE_NOTE}",
                "table": {
                    "columns": ["production", "cases", "errors", "lift", "possibly chance"],
                    "rows": [
                        [r["production"], r["cases"], r["errors"], r["lift"], _said(r)]
                        for r in lifts["productions"]
                    ],
                },
            }
        )
    if lifts["words"]:
        sections.append(
            {
                "title": "Words most associated with errors",
                "text": "Each word counted once per case that holds it. " + CHANCE_NOTE,
                "table": {
                    "columns": ["word", "cases", "errors", "lift", "possibly chance"],
                    "rows": [
                        [r["word"], r["cases"], r["errors"], r["lift"], _said(r)]
                        for r in lifts["words"]
                    ],
                },
            }
        )
    unmapped = lay.unmapped()
    notes = list(engine.g.warnings)
    left_out = beyond_depth(engine.g, int(config.get("max_depth") or DEFAULT_MAX_DEPTH))
    if left_out:
        notes.append(left_out)
    if lay.folded_note():
        notes.append(str(lay.folded_note()))
    if unmapped:
        notes.append(
            "labels without a counterpart (not compared): "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in unmapped.items())
        )
    if engine.shrink_incomplete:
        notes.append(
            f"{engine.shrink_incomplete:,} errors were not fully shrunk: the budget "
            "ran out, or a classifier failed, while shrinking (each is kept as far as it "
            "was shrunk)"
        )
    if (unused_lag := lag_unused(config)) is not None:  # (ASSAY_TEXT_LAG beside lanes)
        notes.append(unused_lag)
    if stood:
        notes.append(f"warning: {stood}")
    cut = sum(r[k] != c[k] for r, c in zip(minimal, ranked, strict=False) for k in _CUT_KEYS)
    if cut:
        notes.append(sentences_cut_note(cut))
    if notes:
        sections.append({"title": "Notes", "text": "\n\n".join(notes)})
    return {
        "headline": headline,
        "metrics": metrics,
        "sections": sections,
        **({"warnings": [stood]} if stood else {}),
        # the classifiers' seconds, for their share of the wall clock from the command's start
        # (``phases.record_rates``: loading counted, as every rate is)
        "classifier_seconds": round(model_seconds, 6),
        "text": {
            "oracle": kind,
            "strategy": strategy,
            "classifiers": list(lay.names),
            "labels": lay.to_json(),
            "errors": engine.errors,
            "search_errors": engine.search_errors,
            "distinct_minimal": n_min,
            "minimal": ranked,
            "lift": lifts,
            "odd_members": odd,
            "tests": tests,
            "coverage": coverage,
            # the grammar's figures, not its text: the config keeps that once (a 13 MB
            # grammar's text here too doubled the store's row and filled the JSON report)
            "grammar": {k: v for k, v in (config.get("grammar") or {}).items() if k != "text"},
            "warnings": list(engine.g.warnings),
        },
    }
