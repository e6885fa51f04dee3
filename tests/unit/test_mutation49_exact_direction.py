"""mutation49: an exact rule's own direction counts the IDIs inside the rule only
(``fairness.exact_direction.RuleDirection``, audit48r2)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.fairness.exact_direction import RuleDirection
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    (Feature("grade", "integer", 0, 9), Feature("sex", "categorical", categories=("F", "M"))),
    protected=("sex",),
)


def test_a_rules_direction_counts_only_the_idis_inside_it() -> None:
    # grade 0-4: 3 IDIs favouring M (class 1 for M, 0 for F); grade 5-9: 5 favouring F
    rows = np.array([[g, 0] for g in (1, 2, 3, 6, 7, 8, 8, 9)], dtype=np.float64)
    classes = np.array([[0, 1]] * 3 + [[1, 0]] * 5)
    ex = SimpleNamespace(idi_rows=rows, idi_classes=classes, class_boxes=None, atoms=None)
    told = RuleDirection(SCHEMA, "sex", ex, 1).of(Rule({0: (0.0, 4.0)}), None)  # type: ignore[arg-type]
    assert told is not None
    got = {d["value"]: (d["favoured_count"], d["idis"]) for d in told}
    assert got == {"F": (0, 3), "M": (3, 3)}
    other = RuleDirection(SCHEMA, "sex", ex, 1).of(Rule({0: (5.0, 9.0)}), None)  # type: ignore[arg-type]
    assert other is not None
    assert {d["value"]: d["favoured_in"] for d in other} == {"F": 1.0, "M": 0.0}


def test_a_rule_kept_without_its_cells_gets_no_direction() -> None:
    # (ED6) trees read box by box, the rule stored without its cells (``keep`` None): who is
    # favoured inside it cannot be counted, so none is said (never the whole space's)
    atoms = [SimpleNamespace(atom_of=lambda v: np.zeros(len(v)))] * 2
    ex = SimpleNamespace(idi_rows=None, idi_classes=None, class_boxes={}, atoms=atoms)
    assert RuleDirection(SCHEMA, "sex", ex, 1).of(Rule({0: (0.0, 4.0)}), None) is None  # type: ignore[arg-type]
