"""The exact regions of an enumerated domain hold each feature's masks as the values its IDIs
take, not as a square table over every value: a feature of a million values asked numpy for
7.28 TiB (`np.eye(1_000_000)`), a MemoryError out of `check_fairness` (CI run 88,
`test_left27_settled_answer` on the enumerated path).  Beyond what can be held, the rules
are left out, saying why, never a crash."""

from __future__ import annotations

import numpy as np

import assay.fairness.exact.rules as rules_module
from assay.fairness.exact.rules import exact_rules, row_set
from assay.fairness.schema import Feature, Schema

WIDE = Schema(
    (Feature("a", "integer", 0, 999_999), Feature("s", "integer", 0, 1)), protected=("s",)
)


def test_a_feature_of_a_million_values_gives_its_rule() -> None:
    idis = np.array([[500_000.0, 0.0], [500_001.0, 0.0], [500_002.0, 0.0]])
    bs = row_set(WIDE, idis, skip=1)
    assert bs is not None
    (top,) = exact_rules(bs, WIDE)
    assert top.rule.conditions == {0: (500_000.0, 500_002.0)}


def test_the_masks_are_the_values_taken_as_the_square_table_gave_them() -> None:
    narrow = Schema(
        (
            Feature("a", "integer", 0, 9),
            Feature("s", "integer", 0, 1),
            Feature("b", "integer", 0, 4),
        ),
        protected=("s",),
    )
    idis = np.array([[3.0, 0.0, 1.0], [4.0, 0.0, 1.0], [3.0, 0.0, 2.0], [9.0, 0.0, 4.0]])
    bs = row_set(narrow, idis, skip=1)
    assert bs is not None
    for j, n in ((0, 10), (2, 5)):
        m = bs.masks[j]
        square = np.eye(n)[np.rint(idis[:, j]).astype(int)]
        assert np.array_equal(m.rows[m.ids], square)
        vec = np.arange(n, dtype=np.float64)
        assert np.array_equal(m.weigh(vec), square @ vec)


def test_beyond_what_can_be_held_the_rules_are_left_out(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(rules_module, "MAX_CELLS", 2_000_000)
    idis = np.array([[float(v), 0.0] for v in (1, 2, 3)])
    assert row_set(WIDE, idis, skip=1) is None
