"""A text campaign split into units (``core.units``): keys and the merged summary.

Each unit is a whole search (walkers, statistics, shrinking) with its own seed and its share
of the query budget.  A finding is a minimal failing sentence: two units that shrink to the
same minimal sentence (and variant) found the same bug, so ``finding_keys`` keys a finding
by its kind, minimal sentence and variant, and ``core.units`` keeps the first unit's copy.

The run's summary is the text summary of all units taken as one search: a unit's summary
carries its raw statistics (``UNIT_STATS``: counters, uses and errors per production and
word, its minimal records), which ``merge_summaries`` adds up before building the summary
exactly as a single search would; a minimal sentence found by several units is counted
once, with the times it was found added up.  The cases judged and the errors (failing
cases), run-wide and per test, count distinct cases, as a fairness campaign counts its
discriminatory inputs once: a case two units judged counts once, when every unit kept the
keys of all its cases (``Engine.case_keys``, its first 16,384); else they add the units'
and the headline says so.  The other counters (sentences generated, cases proposed, the
errors among them) are the units' work added, a sentence two units both asked counted
twice, and their names say so (``_WORK``); the queries too (the work the budget counts).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.text.engine import CASE_KEYS
from assay.text.floor import floor_drawn
from assay.text.generate import Sampler
from assay.text.grammar import Grammar
from assay.text.label_watch import LabelWatch
from assay.text.oracle import Oracle
from assay.text.summary import build_summary, too_few_reason
from assay.text.untested import compared_cases, untested_part

if TYPE_CHECKING:
    from assay.text.engine import Engine
    from assay.text.technique import TextTest

__all__ = ["UNIT_STATS", "finding_keys", "merge_summaries", "unit_stats"]

UNIT_STATS = "unit_stats"  # the key of a unit's raw statistics in its summary


def _key(kind: str, sentence: str, variant: str) -> bytes:
    text = f"{kind}\x00{sentence}\x00{variant}".encode()
    return hashlib.blake2b(text, digest_size=8).digest()


def finding_keys(batch: FindingBatch) -> np.ndarray:
    """A uint64 key per finding: its kind, minimal sentence and variant."""
    if not len(batch):
        return np.zeros(0, dtype=np.uint64)
    variants = batch.columns.get("variant")
    keys = [
        _key(batch.kind, str(batch.inputs[i][0]), "" if variants is None else str(variants[i]))
        for i in range(len(batch))
    ]
    return np.frombuffer(b"".join(keys), dtype=np.uint64).copy()


_RECORD = ("sentence", "variant", "original", "count", "margin", "words", "outputs")


def _record(rec: dict[str, Any]) -> dict[str, Any]:
    """A minimal failure as a unit hands it on: its ``_RECORD`` fields, the classifiers that
    failed it and, for an invariance failure, its odd members (``summary.odd_members``),
    not its whole detail."""
    out = {k: rec[k] for k in _RECORD}
    out["relation"] = rec.get("relation", -1)  # (the test it failed: ``summary``)
    detail = rec.get("detail") or {}
    kept = {k: list(detail[k]) for k in ("odd", "failed") if detail.get(k) is not None}
    if kept:
        out["detail"] = kept
    return out


def unit_stats(engine: Engine) -> dict[str, Any]:
    """What ``merge_summaries`` needs of one unit's search (JSON data)."""
    return {
        "errors": engine.errors,
        "cases": engine.cases,
        "per_test": engine.per_test,
        "test_keys": engine.test_keys,
        "case_keys": engine.case_keys,
        "proposed": engine.proposed,
        "search_errors": engine.search_errors,
        "asked": len(engine.asked),
        "shrink_incomplete": engine.shrink_incomplete,
        # the productions the unit used and their counts (not one per production of the
        # grammar: a grammar of 50,000 of them would write 100,000 numbers per unit)
        "prod_used": np.flatnonzero(engine.prod_n).tolist(),
        "prod_n": engine.prod_n[engine.prod_n > 0].tolist(),
        "prod_err": engine.prod_err[engine.prod_n > 0].tolist(),
        "words": engine.words,
        "minimal": [_record(rec) for rec in engine.minimal.values()],
        "first_answer": engine.first_answer,
        "varied": engine.varied,
        "label_watch": engine.label_watch.state(),
        "wordy": engine.wordy,
        "apart": engine.apart,
        "apart_tests": engine.apart_tests,
        "judged": engine.oracle.judged,
        "compared": engine.oracle.compared,
        "without": engine.oracle.without_state(),
        "largest_distance": engine.oracle.largest,
        **({"drawn_by_floor": drawn} if (drawn := floor_drawn(engine)) is not None else {}),
    }


@dataclass
class _Merged:
    """The units' statistics added up, shaped as ``build_summary`` reads an engine."""

    oracle: Oracle
    g: Grammar
    errors: int = 0
    cases: int = 0
    per_test: list[list[int]] = field(default_factory=list)
    proposed: int = 0
    search_errors: int = 0
    shrink_incomplete: int = 0
    asked: range = range(0)
    prod_n: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    prod_err: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    words: dict[str, list[int]] = field(default_factory=dict)
    minimal: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_answer: list[float] | None = None
    varied: bool = False
    label_watch: LabelWatch = field(default_factory=LabelWatch)
    wordy: bool = False
    apart: bool = False
    apart_tests: list[bool] = field(default_factory=list)
    drawn_by_floor: list[int] | None = None  # (a suite's floor: its random cases per test)
    units: int = 1  # (the lift tables' chance mark reads their added counts by it)
    repeated: int | None = None  # errors the units' added count repeats (None: unknown)

    def untested(self) -> str | None:
        from assay.text.untested import untested_reason

        return untested_reason(self)


def _added(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """Two units' per-test counts added (a unit that counted none: the other's)."""
    if not a or not b:
        return [list(t) for t in (a or b)]
    return [[x + y for x, y in zip(s, t, strict=True)] for s, t in zip(a, b, strict=True)]


def _distinct(added: list[list[int]], summaries: list[dict[str, Any]]) -> list[list[int]]:
    """Per test, the cases judged and failing over every unit: the distinct ones where
    every unit kept the keys of all its cases of the test (``Engine.test_keys``: two units
    judging the same case counted it twice, "24 of 40" for 20 cases), else the units'
    counts added (``added``)."""
    stats = [s.get(UNIT_STATS) or {} for s in summaries]
    out = [list(t) for t in added]
    for r in range(len(out)):
        keys: set[int] = set()
        for st in stats:
            counts, kept = st.get("per_test") or [], st.get("test_keys")
            if not isinstance(kept, list) or r >= len(kept) or r >= len(counts):
                break
            if len(kept[r]) < int(counts[r][0]):  # (more cases than it kept keys of)
                break
            keys.update(int(k) for k in kept[r])
        else:
            failing = {-k - 1 for k in keys if k < 0}
            cases = {k for k in keys if k >= 0} | failing
            out[r] = [len(cases), len(failing)]
    return out


def _run_distinct(
    summaries: list[dict[str, Any]], tests: int
) -> tuple[int, int, list[list[int]]] | None:
    """The cases judged, those failing, and each test's (cases, failing) over every unit,
    each case counted once; None when a unit kept fewer keys than it judged cases (over
    ``CASE_KEYS``, or a unit checkpointed before units36)."""
    failing: set[int] = set()
    test_of: dict[int, int] = {}
    for s in summaries:
        st = s.get(UNIT_STATS) or {}
        kept = st.get("case_keys")
        if not isinstance(kept, list) or len(kept) < int(st.get("cases") or 0):
            return None
        for k, r in kept:
            key = -int(k) - 1 if int(k) < 0 else int(k)
            test_of.setdefault(key, int(r))
            if int(k) < 0:
                failing.add(key)
    per_test = [[0, 0] for _ in range(tests)]
    for key, r in test_of.items():
        if 0 <= r < tests:
            per_test[r][0] += 1
            per_test[r][1] += key in failing
    return len(test_of), len(failing), per_test


def _added_note(units: int) -> str:
    """The headline's words when the run-wide figures add the units' (``_run_distinct``)."""
    return (
        f"; the failures counted, the cases judged and the errors per 1,000 queries add "
        f"the {units:,} units' own (a case two units judged counts twice: a unit judged over "
        f"{CASE_KEYS:,} cases, beyond which it keeps no keys to tell them apart)"
    )


_WORK = {  # a campaign's counters of the units' work, and the words that say so
    "unique sentences generated": "sentences generated, the {n} units' added (a sentence "
    "two units asked counts twice)",
    "cases proposed by the search (the rest: shrinking)": "cases proposed by the {n} units' "
    "searches, added (a case two units proposed counts twice)",
    "errors among proposed cases": "errors among the cases proposed by the {n} units' "
    "searches, added (a case two units proposed counts twice)",
    "sentences judged that could be compared": "sentences judged that could be compared, the "
    "{n} units' added (a sentence two units judged counts twice)",
}
_LIFT_TITLES = ("Productions most associated with errors", "Words most associated with errors")


def _lifts_said(summary: dict[str, Any], units: int) -> None:
    """The production and word tables' counts named as the units' added, in place (each
    unit counts its own cases; a case two units judged counts twice in them)."""
    said = (
        f"the {units} units' added (a case two units judged counts twice), whether a lift is "
        "possibly chance judged on the fewest distinct errors they may stand for"
    )
    for sec in summary.get("sections") or []:
        if sec.get("title") in _LIFT_TITLES:
            cols = sec["table"]["columns"]
            sec["table"]["columns"] = [
                f"{c}, the {units} units' added" if c in ("cases", "errors") else c for c in cols
            ]
            sec["text"] = (sec.get("text", "") + f" Cases and errors: {said}.").lstrip()
    lift = (summary.get("text") or {}).get("lift")
    if isinstance(lift, dict) and (lift.get("productions") or lift.get("words")):
        lift["counts"] = f"cases and errors: {said}"


def _work_said(metrics: dict[str, Any], units: int) -> dict[str, Any]:
    """``metrics`` with each counter of the units' work (``_WORK``) named so, in place."""
    return {_WORK[k].format(n=units) if k in _WORK else k: v for k, v in metrics.items()}


def merge_summaries(
    test: TextTest, summaries: list[dict[str, Any]], batches: list[FindingBatch]
) -> dict[str, Any]:
    """The run's summary from its units' summaries (in unit order)."""
    del batches  # the minimal records travel in the units' statistics
    sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    merged = _Merged(oracle=test.make_oracle(sampler), g=test.grammar)
    merged.oracle.units = len(summaries)  # (its judged and compared: the units' added)
    merged.prod_n = np.zeros(test.grammar.n_productions, dtype=np.int64)
    merged.prod_err = np.zeros(test.grammar.n_productions, dtype=np.int64)
    asked = queries = 0
    elapsed = model_seconds = 0.0
    stopped: dict[str, str] = {}
    for s in summaries:
        stats = s.get(UNIT_STATS) or {}
        for name in ("errors", "cases", "proposed", "search_errors", "shrink_incomplete"):
            setattr(merged, name, getattr(merged, name) + int(stats.get(name) or 0))
        merged.oracle.judged += int(stats.get("judged") or 0)
        merged.per_test = _added(merged.per_test, stats.get("per_test") or [])
        if stats.get("drawn_by_floor") is not None:
            drawn = [[int(c), 0] for c in stats["drawn_by_floor"]]
            before = [[c, 0] for c in merged.drawn_by_floor or []]
            merged.drawn_by_floor = [c for c, _ in _added(before, drawn)]
        merged.oracle.compared += int(stats.get("compared", stats.get("judged")) or 0)
        merged.oracle.load_without(stats.get("without"), add=True)
        largest = float(stats.get("largest_distance") or 0.0)
        merged.oracle.largest = max(merged.oracle.largest, largest)
        # one answer for all units' sentences: no unit varied and all gave the same one
        first = stats.get("first_answer")
        merged.wordy = merged.wordy or bool(stats.get("wordy", True))
        merged.apart = merged.apart or bool(stats.get("apart", True))
        told = stats.get("apart_tests")  # (a unit of a run stored before: every test apart)
        told = told if isinstance(told, list) else [True] * len(stats.get("per_test") or [])
        mine = merged.apart_tests
        merged.apart_tests = [
            bool(i < len(mine) and mine[i]) or bool(i < len(told) and told[i])
            for i in range(max(len(mine), len(told)))
        ]
        merged.varied = (
            merged.varied
            or bool(stats.get("varied", True))
            or (
                first is not None
                and merged.first_answer is not None
                and list(first) != merged.first_answer
            )
        )
        merged.label_watch.merge(stats.get("label_watch"))
        if merged.first_answer is None and first is not None:
            merged.first_answer = [float(x) for x in first]
        asked += int(stats.get("asked") or 0)
        used = stats.get("prod_used")
        if used is not None:
            at = np.asarray(used, dtype=np.int64)
            merged.prod_n[at] += np.asarray(stats.get("prod_n") or [], dtype=np.int64)
            merged.prod_err[at] += np.asarray(stats.get("prod_err") or [], dtype=np.int64)
        else:  # a unit's summary stored before: a count per production
            merged.prod_n += np.asarray(stats.get("prod_n") or 0, dtype=np.int64)
            merged.prod_err += np.asarray(stats.get("prod_err") or 0, dtype=np.int64)
        for word, (n, e) in (stats.get("words") or {}).items():
            got = merged.words.setdefault(word, [0, 0])
            got[0] += int(n)
            got[1] += int(e)
        for rec in stats.get("minimal") or []:
            key = f"{rec['sentence']}\x00{rec['variant']}"
            if key in merged.minimal:
                merged.minimal[key]["count"] += int(rec["count"])
            else:
                merged.minimal[key] = dict(rec)
        metrics = s.get("metrics") or {}
        queries += int(metrics.get("queries") or 0)
        elapsed += float(s.get("seconds") or 0.0)
        model_seconds += float(s.get("model_seconds") or 0.0)
        stopped.update(s.get("stopped_early") or {})
    merged.asked = range(asked)
    merged.per_test = _distinct(merged.per_test, summaries)
    distinct = _run_distinct(summaries, len(merged.per_test))
    merged.units = len(summaries)
    if distinct is not None:  # (each case once, run-wide and per test)
        merged.repeated = max(merged.errors - distinct[1], 0)
        merged.cases, merged.errors, per_test = distinct
        if merged.per_test:
            merged.per_test = per_test
    why = merged.untested() or merged.oracle.never_compared(merged.errors)
    summary = build_summary(
        merged,
        strategy=test.strategy,
        queries=queries,
        elapsed=elapsed,
        model_seconds=model_seconds,
        config=test.config(text=False),
        exhausted=stopped.get("search") == "space",
        untested=why,
    )
    if stopped:
        summary["stopped_early"] = stopped
    if len(summaries) > 1:
        summary["metrics"] = _work_said(summary["metrics"], len(summaries))
        _lifts_said(summary, len(summaries))
        if distinct is None:
            summary["headline"] += _added_note(len(summaries))
    summary["tested"] = compared_cases(merged)  # 0: nothing was tested (never a pass)
    if why:
        summary["untested_reason"] = why
    few = too_few_reason(summary, test.oracle)
    if few:
        summary["incomplete_reason"] = few
    part = None if why else untested_part(merged)
    if part and not few:  # some classifiers tested, not all: not everything was tested
        summary["incomplete_reason"] = part
    return summary
