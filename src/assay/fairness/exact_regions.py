"""The answer's regions from the exact analysis: rules whose figures are exact, as JSON data.

When the exact analysis decided the model (an exact share, or a certificate of zero) and kept
every discriminatory box, the regions are learned from those boxes (``exact.rules``): each
rule's share of IDIs inside and share of all the IDIs it covers are exact over the domain's
uniform distribution, and its weight in the data is counted over every data row.  A small
discrete domain enumerated input by input (any model) gives every IDI: each is a box of one
input.  Otherwise (bounds only, an ensemble's branch and bound, no exact analysis) the sampled
rules stand, and the answer says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.core.display import tidy_share
from assay.fairness.exact import ExactResult
from assay.fairness.exact.rules import MAX_CELLS, FoundRules, box_set, exact_rules, row_set
from assay.fairness.exact_direction import RuleDirection
from assay.fairness.regions import Rule, rule_text, rule_values
from assay.fairness.schema import Schema

__all__ = ["exact_regions", "figures_note", "why_sampled"]


def why_sampled(ex: ExactResult | str | None) -> str | None:
    """Why the rules of an attribute cannot be exact; None when they can."""
    if ex is None:
        return "no exact analysis of this model (its structure is not read)"
    if isinstance(ex, str):
        return f"no exact analysis: {ex}"
    if ex.status != "exact":
        return "the exact analysis did not decide the model (bounds only)"
    if ex.idi_rows is not None:
        return None
    if ex.every_box is None or ex.atoms is None:
        return ex.every_box_note or "the exact analysis kept only its largest boxes"
    return None


def exact_regions(
    schema: Schema,
    attribute: str,
    ex: ExactResult,
    *,
    data: np.ndarray | None,
    witnesses: Callable[[Rule, np.ndarray], list[dict[str, Any]]],
    max_rules: int = 3,
    deadline: float | None = None,
    fav: int | None = None,
) -> tuple[list[dict[str, Any]] | None, str | None, float]:
    """The rules learned from every discriminatory box, with exact figures (None and why
    when too many boxes to hold, or ``deadline`` passed), and the seconds it took.  A search
    that ``deadline`` stopped before its last rule gives the rules found before it, each
    saying so (``cut_by_time``, ``idis_left``: the share of the IDIs in none of them).
    ``witnesses(rule, inputs)``: the rule's witnesses, given inputs inside it that the
    analysis says are discriminatory (one in each of its largest boxes).  With ``fav`` (the
    favourable class's index), each rule's own ``direction``: who gets it inside the rule,
    counted over its IDIs (``RuleDirection``)."""
    t0 = time.monotonic()
    if deadline is not None and t0 > deadline:
        return None, "the answer's time was spent before the exact rules were learned", 0.0
    a = schema.index(attribute)
    if ex.idi_rows is not None:  # an enumerated domain: each IDI is a box of one input
        rowed = row_set(schema, ex.idi_rows, skip=a)
        if rowed is None:
            return None, f"{len(ex.idi_rows):,} inputs over too many values to hold", 0.0
        boxes = rowed
    else:
        assert ex.every_box is not None and ex.atoms is not None
        cells = sum(int(at.n if at.of_value is None else len(at.of_value)) for at in ex.atoms)
        if len(ex.every_box) * cells > MAX_CELLS:
            return None, f"{len(ex.every_box):,} boxes over {cells:,} cells: too many to hold", 0.0
        boxes = box_set(schema, ex.atoms, ex.every_box, skip=a)
    found = exact_rules(boxes, schema, max_rules=max_rules, deadline=deadline)
    # cut by the deadline: the best rules found before it, never read as the whole search's
    cut = isinstance(found, FoundRules) and found.cut_by_time
    left = found.idis_left if isinstance(found, FoundRules) and cut else None
    overall = ex.uniform[0]
    direction = None if fav is None else RuleDirection(schema, attribute, ex, fav)
    out = []
    for rank, e in enumerate(found, 1):
        own = None if direction is None else direction.of(e.rule, e.keep)
        out.append(
            {
                "attribute": attribute,
                "rank": rank,
                "rule": rule_text(schema, e.rule),
                "share_inside": tidy_share(e.share_inside),
                "share_inside_low": tidy_share(e.share_inside),
                "share_inside_high": tidy_share(e.share_inside),
                "held_out_rows_inside": 0,
                "drawn_inside": 0,
                "recall": tidy_share(e.recall),
                "weight_space": tidy_share(e.volume),
                "weight_data": None
                if data is None or not len(data)
                else float(e.rule.contains(data).mean()),
                "sample_weight": None,
                "confirmed": e.share_inside > overall,
                "conditions": {
                    schema.names[j]: list(c) for j, c in sorted(e.rule.conditions.items())
                },
                "values": rule_values(schema, e.rule),
                "witnesses": witnesses(
                    e.rule, e.inside if e.inside is not None else np.zeros((0, len(schema)))
                ),
                "sample": "exact",
                "figures": "exact",
                "boxes": boxes.n_boxes,
                "cut_by_time": cut,
                "idis_left": left,
                **({} if own is None else {"direction": own}),
            }
        )
    return out, None, time.monotonic() - t0


def figures_note(
    figures: str,
    why: str | None,
    seconds: float | None,
    rules: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What the exact analysis' entry says of the attribute's regions: with its exact
    ``rules``, whether their search was cut by the answer's deadline and the share of the
    IDIs the rules found before it leave out."""
    cut = next((r for r in rules or () if r.get("cut_by_time")), None)
    return {
        "figures": figures,
        "why_sampled": why,
        "seconds": seconds,
        "cut_by_time": cut is not None,
        "idis_left": None if cut is None else cut.get("idis_left"),
    }
