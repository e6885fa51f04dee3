"""One fairness summary from the summaries of a campaign's units (``core.units``).

Counters add up; the estimates pool their samples (one Wilson interval over all of them);
the examples are chosen again from every unit's findings, in unit order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assay.core.findings import FindingBatch
from assay.fairness.estimate import wilson_interval
from assay.fairness.summary import ExamplePool, build_summary

if TYPE_CHECKING:
    from assay.fairness.technique import FairnessTest

__all__ = ["merge_summaries"]

_ADDED = ("idis", "generated", "queries", "model_seconds", "seconds")


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
    out = []
    for p in pooled.values():
        k, n = p["discriminatory"], p["sampled"]
        low, high = wilson_interval(k, n, p["confidence"])
        p.update(share=k / n if n else 0.0, low=low, high=high, half_width=(high - low) / 2)
        out.append(p)
    return out


def merge_summaries(
    test: FairnessTest, summaries: list[dict[str, Any]], batches: list[FindingBatch]
) -> dict[str, Any]:
    """The run's summary from its units' summaries (in unit order) and all its findings."""
    searches = [s.get("search") or {} for s in summaries]
    search: dict[str, Any] = dict(searches[0]) if searches else {}
    for key in _ADDED:
        search[key] = sum(x.get(key) or 0 for x in searches)
    changes: dict[str, int] = {}
    for x in searches:
        for name, c in (x.get("feature_changes") or {}).items():
            changes[name] = changes.get(name, 0) + int(c)
    search["feature_changes"] = changes
    idis, generated, queries = search["idis"], search["generated"], search["queries"]
    search["success_rate"] = idis / generated if generated else 0.0
    search["idis_per_1000_queries"] = 1000 * idis / queries if queries else 0.0
    search["idis_per_second"] = idis / search["seconds"] if search["seconds"] else 0.0
    firsts = [float(x["seconds_to_first_100"]) for x in searches if x.get("seconds_to_first_100")]
    search["seconds_to_first_100"] = min(firsts) if firsts else None
    examples = ExamplePool(test.schema)
    for b in batches:
        examples.offer(b)
    stopped: dict[str, str] = {}
    for s in summaries:
        stopped.update(s.get("stopped_early") or {})
    context = next(
        (
            {
                "group": s["group"],
                "section": sec,
                "accuracy": s["metrics"].get("accuracy on the labelled rows"),
            }
            for s in summaries
            if s.get("group")
            for sec in s.get("sections") or []
            if sec.get("title", "").lower().startswith("group")
        ),
        None,
    )
    total_queries = sum(int((s.get("metrics") or {}).get("queries") or 0) for s in summaries)
    estimates = _pool_estimates(summaries)
    return build_summary(
        test=test,
        search=search,
        estimates={"estimates": estimates} if estimates else None,
        context=context,
        examples=examples,
        stopped_early=stopped,
        queries=total_queries,
        class_names=test.label_names,
    )
