"""audit48r: the exact analysis' rules for two boxes favouring opposite values.

A tree whose outcome follows sex in two small boxes (8 cells each of 3,375), one favouring
each value, had its top exact rule span both with the empty stretch between ("a 100-499 and
b 600-849", 10 % discriminatory inside, on a 1,000 x 1,000 grid): peeling slices and moving
one cell at a time cannot cut an empty stretch out of a run.  Each ordered feature's run is
now also set to its best given the other conditions: each box is a rule of its own.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact.rules import box_set, exact_rules
from assay.fairness.regions import Rule

from test_regions22_answer import BOX, PLANTED, _grid  # isort: skip
from test_regions22_exact_rules import _exact  # isort: skip

BOX2 = {0: (10.0, 11.0), 1: (3.0, 4.0), 3: (0.0, 1.0)}  # another 8 cells, far from BOX


def _opposite_tree() -> DecisionTreeClassifier:
    """Its class follows x3 > 7, except inside ``BOX``, where sex 1 is favoured, and inside
    ``BOX2``, where sex 0 is."""
    grid = _grid(PLANTED)
    sex = grid[:, 2]
    y = np.where(
        Rule(dict(BOX)).contains(grid),
        sex,
        np.where(Rule(dict(BOX2)).contains(grid), 1 - sex, grid[:, 4] > 7),
    ).astype(int)
    return DecisionTreeClassifier(random_state=0).fit(grid, y)


def test_two_opposite_boxes_are_two_exact_rules() -> None:
    _, result = _exact(PLANTED, _opposite_tree(), "sex")
    assert result.status == "exact" and result.uniform[0] == pytest.approx(16 / 3375)
    bs = box_set(PLANTED, result.atoms, result.every_box, skip=PLANTED.index("sex"))
    rules = exact_rules(bs, PLANTED)
    got = sorted(tuple(sorted(r.rule.conditions.items())) for r in rules[:2])
    assert got == sorted([tuple(sorted(BOX.items())), tuple(sorted(BOX2.items()))]), [
        r.rule.conditions for r in rules
    ]
    assert [r.share_inside for r in rules[:2]] == [1.0, 1.0]
    assert [r.recall for r in rules[:2]] == [0.5, 0.5]
