"""One fairness summary from the summaries of a campaign's units (``core.units``).

Counters add up, less the discriminatory inputs an earlier unit had already found (each
unit's ``duplicate_findings``, counted by ``core.units`` when it drops them); the estimates
pool their samples (one interval over all of them); the examples are chosen again
from every unit's findings, in unit order.

``finding_keys`` is what makes two findings the same: the class of the input (its values
apart from the protected attributes), exactly as the search itself tells classes apart.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.keys import row_keys
from assay.fairness.estimate import clopper_pearson
from assay.fairness.lattice import snap_columns
from assay.fairness.oracle import KIND, _packing
from assay.fairness.schema import Schema
from assay.fairness.summary import ExamplePool, build_summary

if TYPE_CHECKING:
    from assay.fairness.technique import FairnessTest

__all__ = ["finding_keys", "merge_summaries", "search_per_wall_clock"]

_ADDED = ("idis", "generated", "queries", "model_seconds", "seconds")


def finding_keys(schema: Schema, batch: FindingBatch) -> np.ndarray:
    """A uint64 key per finding, equal for findings of the same class: exact (packed) when
    the non-protected values are discrete and few enough, a 64-bit hash of them otherwise.
    Findings of another kind are keyed by all their inputs."""
    if batch.kind != KIND or batch.inputs.ndim != 3 or not len(batch):
        return row_keys(batch.inputs.reshape(len(batch), -1)) if len(batch) else _NO_KEYS
    rows = np.asarray(batch.inputs[:, 0, :], dtype=np.float64)  # its variants share the class
    free = np.setdiff1d(np.arange(len(schema)), np.asarray(schema.protected_indices))
    packing = _packing(schema, free)
    if packing is None:
        return row_keys(snap_columns(rows[:, free], schema.lattice[free]))
    lows, strides = packing
    codes = (np.rint(rows[:, free]) - lows).astype(np.uint64)
    keys: np.ndarray = codes @ strides
    return keys


_NO_KEYS = np.zeros(0, dtype=np.uint64)


def _pool_estimates(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pooled: dict[str, dict[str, Any]] = {}
    for s in summaries:
        for e in s.get("estimates") or []:
            p = pooled.setdefault(
                e["distribution"],
                {
                    "distribution": e["distribution"],
                    "discriminatory": 0,
                    "sampled": 0,
                    "queries": 0,
                    "confidence": e.get("confidence", 0.95),
                },
            )
            p["discriminatory"] += int(e["discriminatory"])
            p["sampled"] += int(e["sampled"])
            p["queries"] += int(e.get("queries") or 0)
            # units that each counted every row of the data counted the same rows: their
            # count is one unit's (pooled, each row would count once per unit)
            p.setdefault("each", []).append(
                (int(e["discriminatory"]), int(e["sampled"])) if e.get("counted") else None
            )
    out = []
    for p in pooled.values():
        k, n = p["discriminatory"], p["sampled"]
        each = p.pop("each")
        if None not in each and len(set(each)) == 1:
            (k, n), p["counted"] = each[0], True
            p.update(discriminatory=k, sampled=n)
        low, high = (k / n, k / n) if p.get("counted") else clopper_pearson(k, n, p["confidence"])
        p.update(share=k / n if n else 0.0, low=low, high=high, half_width=(high - low) / 2)
        out.append(p)
    return out


def merge_summaries(
    test: FairnessTest,
    summaries: list[dict[str, Any]],
    batches: list[FindingBatch],
    class_names: tuple[str, ...] | Literal[False] | None = False,
) -> dict[str, Any]:
    """The run's summary from its units' summaries (in unit order) and all its findings.
    ``class_names``: the model's, as the run reads them (``technique.class_names_of``);
    False: the data's label names (a caller that knows no model)."""
    searches = [s.get("search") or {} for s in summaries]
    search: dict[str, Any] = dict(searches[0]) if searches else {}
    for key in _ADDED:
        search[key] = sum(x.get(key) or 0 for x in searches)
    # an input found by two units is one finding: the later unit's copy was dropped
    search["idis"] -= sum(int(s.get("duplicate_findings") or 0) for s in summaries)
    changes: dict[str, int] = {}
    for x in searches:
        for name, c in (x.get("feature_changes") or {}).items():
            changes[name] = changes.get(name, 0) + int(c)
    search["feature_changes"] = changes
    note = search.get("optimize_note")
    if isinstance(note, str) and len(searches) > 1:  # the first unit's words: its own budget
        n = len(searches)
        search["optimize_note"] = re.sub(
            r"a small query budget \(([\d,]+) quer(?:y|ies)\)",
            # ("1 query for each", as the unit said it: "1 queries" once)
            lambda m: (
                f"a small query budget ({m[1]} quer{'y' if m[1] == '1' else 'ies'} "
                f"for each of its {n} units)"
            ),
            note,
        )
    if len(searches) > 1:  # (the inputs each unit generated: no keys to count them once)
        search["units"] = len(searches)
    idis, generated, queries = search["idis"], search["generated"], search["queries"]
    search["success_rate"] = idis / generated if generated else 0.0
    search["idis_per_1000_queries"] = 1000 * idis / queries if queries else 0.0
    search["idis_per_second"] = idis / search["seconds"] if search["seconds"] else 0.0
    search["seconds_to_first_100"] = _first_100(summaries)
    examples = ExamplePool(test.schema)
    for b in batches:
        examples.offer(b)
    stopped: dict[str, str] = {}
    for s in summaries:
        stopped.update(s.get("stopped_early") or {})
    if len(summaries) > 1 and "context" in stopped:
        stopped["context"] = _first_units_share(stopped["context"], len(summaries))
    context = next(
        (
            {
                "group": s["group"],
                "section": sec,
                "accuracy": _fraction(s["metrics"].get("accuracy on the labelled rows (%)")),
            }
            for s in summaries
            if s.get("group")
            for sec in s.get("sections") or []
            if sec.get("title", "").lower().startswith("group")
        ),
        None,
    )
    # (the first unit alone asks the labelled rows; its queries, computed or cut by the
    # budget: summed over every unit, as a run stored before ``for_unit`` had each ask them)
    group_queries = sum(int(s.get("group_queries") or 0) for s in summaries)
    if context is not None:
        context["queries"] = group_queries
    total_queries = sum(int((s.get("metrics") or {}).get("queries") or 0) for s in summaries)
    estimates = _pool_estimates(summaries)
    return build_summary(
        test=test,
        search=search,
        estimates={"estimates": estimates} if estimates else None,
        context=context,
        group_queries=group_queries,
        examples=examples,
        stopped_early=stopped,
        queries=total_queries,
        class_names=test.label_names if class_names is False else class_names,
    )


def _first_units_share(note: str, n_units: int) -> str:
    """The group metrics' skip note of a campaign in units: the first unit asks them from its
    share of the budget, so "raise --max-queries to at least twice that" (600 for German
    credit's 300 labelled rows) is ``2 x units`` times that (4,800 with ``--units 8``)."""
    said = "raise --max-queries to at least twice that"
    if not note.endswith(said):
        return note
    return note.removesuffix(said) + (
        f"raise --max-queries to at least {2 * n_units} times that (the first of the "
        f"{n_units} units asks them, from its share of the budget)"
    )


def _first_100(summaries: list[dict[str, Any]]) -> float | None:
    """The seconds a campaign took to its first 100 IDIs, at most: the earliest a unit
    reached 100 of its own, counted from the campaign's first unit's start (each unit's own
    figure counts from its own start: the fastest unit's read as the campaign's, 0.09 s on
    a run whose first unit began 15 s in).  Units that do not say when they began are taken
    as one after the other, in unit order; a campaign of one unit keeps its figure."""
    starts = [float(s.get("unit_started") or 0.0) for s in summaries]
    known = all(t > 0 for t in starts)
    first_start = min(starts) if known and starts else 0.0
    best: float | None = None
    before = 0.0  # (units one after the other: the seconds of those before)
    for s, began in zip(summaries, starts, strict=True):
        search = s.get("search") or {}
        own = search.get("seconds_to_first_100")
        offset = began - first_start if known else before
        if isinstance(own, int | float) and own > 0:
            at = offset + float(own)
            best = at if best is None else min(best, at)
        before += float(search.get("seconds") or 0.0)
    return best


def _fraction(percent: Any) -> float | None:
    """A unit's accuracy metric (in %, as ``build_summary`` stores it) as the fraction
    ``build_summary`` takes (a run of units reported no accuracy: it read another key)."""
    return None if not isinstance(percent, int | float) else float(percent) / 100


def search_per_wall_clock(summary: dict[str, Any]) -> bool:
    """Make a campaign's search seconds and IDIs per second those of the wall clock (the
    units' searching, first start to last end: ``core.units``), not of the units' own
    seconds summed (two units side by side on two workers read as half the rate they
    found); the sum stays as ``unit_seconds``.  False when the summary has no such span."""
    search, units = summary.get("search"), summary.get("units")
    wall = units.get("search_wall_seconds") if isinstance(units, dict) else None
    if not isinstance(search, dict) or not isinstance(wall, int | float) or wall <= 0:
        return False
    search["unit_seconds"] = search.get("seconds")
    search["seconds"] = float(wall)
    search["idis_per_second"] = int(search.get("idis") or 0) / float(wall)
    metrics = summary.get("metrics")
    if isinstance(metrics, dict) and "IDIs per second" in metrics:
        metrics["IDIs per second"] = round(search["idis_per_second"])
    return True
