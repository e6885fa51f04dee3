"""mutation49: the group metrics' chance bounds (``fairness.group``, audit48r) at their edges."""

from __future__ import annotations

import numpy as np

from assay.fairness.group import _beside_chance, group_metrics


def test_a_gap_at_the_chance_bound_is_no_more_than_chance() -> None:
    # (GR8) a gap equal to what a blind model reaches 95 % of the time is not beyond it
    assert _beside_chance(0.2, 0.2).startswith(" (no more than a model treating every group")
    assert _beside_chance(0.2001, 0.2).startswith(" (beyond the 0.200")


def test_one_group_holding_every_negative_row_has_no_equalized_odds_bound() -> None:
    # (GR6) only group A holds truly negative rows: no false-positive gap between groups,
    # so no equalized-odds bound (and no failure); the parity bound stands
    y_true = np.array([0] * 20 + [1] * 20 + [1] * 40)
    y_pred = np.array([0, 1] * 10 + [1, 0] * 10 + [1, 1, 0, 1] * 10)
    groups = np.array(["A"] * 40 + ["B"] * 40)
    r = group_metrics(y_true, y_pred, groups)
    assert r.equalized_odds_chance is None
    assert r.demographic_parity_chance is not None
