"""mutation49: a learned rule's ranges set at the rows' own values (``fairness.regions._refine``,
audit48r), and the not-told-apart clause (``report.verdict_text``) at its edges."""

from __future__ import annotations

import numpy as np

from assay.fairness.regions import Rule, _refine
from assay.fairness.schema import Feature, Schema
from assay.report.verdict_text import favoured_text

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 99),
        Feature("b", "integer", 0, 99, missing=True),
        Feature("c", "integer", 0, 99),
    )
)


def _rows() -> tuple[np.ndarray, np.ndarray]:
    """Every a in 5-99 beside every c in 0-99 (b 50): discriminatory where a <= 40, whatever
    c (no row has a under 5)."""
    a, c = np.meshgrid(np.arange(5, 100), np.arange(0, 100), indexing="ij")
    rows = np.stack([a.ravel(), np.full(a.size, 50), c.ravel()], axis=1).astype(np.float64)
    return rows, rows[:, 0] <= 40


def test_a_range_with_no_row_below_reaches_the_domains_low_end() -> None:
    # (RG12, RG3) no row under a = 5: the range's low end is the domain's (0), not 5; a
    # range reaching one end only is kept as a condition
    rows, pos = _rows()
    got = _refine(SCHEMA, rows, pos, Rule({0: (10.0, 30.0)}))
    assert got.conditions == {0: (0.0, 40.0)}


def test_a_range_over_the_whole_domain_is_dropped() -> None:
    # (RG4) c is no part of the region: a range of c refined to the whole domain goes
    rows, pos = _rows()
    got = _refine(SCHEMA, rows, pos, Rule({0: (10.0, 30.0), 2: (20.0, 60.0)}))
    assert got.conditions == {0: (0.0, 40.0)}


def test_a_feature_that_may_be_missing_keeps_its_range() -> None:
    # (RG2) b may be empty (its top code: missing): its range is not moved to rows' values
    rows, pos = _rows()
    got = _refine(SCHEMA, rows, pos, Rule({0: (10.0, 30.0), 1: (40.0, 60.0)}))
    assert got.conditions[1] == (40.0, 60.0)


def _pair(top_low: float, near_high: float) -> list[dict[str, object]]:
    return [
        {"value": "M", "favoured_in": 0.9, "idis": 20, "favoured_count": 18,
         "favoured_low": top_low, "favoured_high": 0.99},
        {"value": "F", "favoured_in": 0.3, "idis": 20, "favoured_count": 6,
         "favoured_low": 0.12, "favoured_high": near_high},
    ]  # fmt: skip


def test_intervals_that_touch_are_not_told_apart() -> None:
    # (VT2) the other value's high end at the named value's low end: they overlap
    said = favoured_text(_pair(0.5, 0.5), "approve", "20 sampled IDIs")
    assert "not told apart from the F variant's" in said
    assert "not told apart" not in favoured_text(_pair(0.5, 0.49), "approve", "20 sampled IDIs")


def test_other_values_without_an_interval_say_nothing_of_overlap() -> None:
    # (VT5) the named value has an interval, no other one does: nothing to compare
    rows = _pair(0.5, 0.5)
    for key in ("favoured_low", "favoured_high"):
        del rows[1][key]
    said = favoured_text(rows, "approve", "20 sampled IDIs")
    assert "the M variant gets 'approve'" in said
    assert "not told apart" not in said


def test_a_range_with_no_row_above_reaches_the_domains_high_end() -> None:
    # (RG13) no row over a = 90: the range's high end is the domain's (99), not 90
    a, c = np.meshgrid(np.arange(0, 91), np.arange(0, 100), indexing="ij")
    rows = np.stack([a.ravel(), np.full(a.size, 50), c.ravel()], axis=1).astype(np.float64)
    got = _refine(SCHEMA, rows, rows[:, 0] >= 60, Rule({0: (70.0, 80.0)}))
    assert got.conditions == {0: (60.0, 99.0)}
