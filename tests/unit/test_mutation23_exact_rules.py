"""mutation23: exact rules (``fairness.exact.rules``) on IDI sets whose answer is known.

The discriminatory inputs of a small discrete domain are written down directly (``row_set``:
each IDI a box of one input), so each test knows which rule is right: a region over sets of
categories, two regions, a stray input, discrimination everywhere, a ranking the greedy
order gets wrong; and a tree over a wide integer and a continuous feature, whose rule bounds
and witnesses' values must be the domain's own.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.rules import (
    ExactRule,
    _mass,
    _minus,
    _score,
    box_set,
    exact_rules,
    row_set,
    rule_figures,
)
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

S = Schema(
    (
        Feature("x0", "integer", 0, 29),
        Feature("s", "integer", 0, 1),
        Feature("x1", "integer", 0, 29),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0)),
        Feature("job", "integer", 0, 5, nominal=True),
    ),
    protected=("s",),
)


def _inputs() -> np.ndarray:
    """Every input of ``S`` with s = 0 (encoded; the attribute's column is not read)."""
    axes = [np.arange(f.encoded_low, f.encoded_high + 1) for f in S.features]
    grid = np.array(list(itertools.product(*axes)), dtype=np.float64)
    return grid[grid[:, 1] == 0]


G = _inputs()


def _box(
    x0: tuple[int, int],
    x1: tuple[int, int],
    c: Iterable[int] = (0, 1, 2, 3),
    job: Iterable[int] = range(6),
) -> np.ndarray:
    return (
        (G[:, 0] >= x0[0])
        & (G[:, 0] <= x0[1])
        & (G[:, 2] >= x1[0])
        & (G[:, 2] <= x1[1])
        & np.isin(G[:, 3], list(c))
        & np.isin(G[:, 4], list(job))
    )


def _rules(disc: np.ndarray, **kw: Any) -> list[ExactRule]:
    return exact_rules(row_set(S, G[disc], skip=1), S, **kw)


def _f1(rule: Rule, disc: np.ndarray) -> float:
    inside = rule.contains(G)
    hit = float((inside & disc).sum())
    return _score(hit, float(inside.sum()), float(disc.sum()))


def test_a_region_over_sets_of_categories_is_found_exactly() -> None:
    """Unordered features are peeled by their poorest cell (not their richest) and polished
    cell by cell: the rule is the planted sets, nothing more."""
    (top,) = _rules(_box((0, 29), (0, 29), c=(1, 3), job=(1, 3)))
    assert top.rule.conditions == {3: (1, 3), 4: (1, 3)}
    assert top.share_inside == 1.0 and top.recall == 1.0
    assert top.volume == pytest.approx(2 / 4 * 2 / 6)


def test_a_nominal_region_among_ordered_ones_is_found_exactly() -> None:
    (top,) = _rules(_box((5, 12), (0, 29), c=(0, 2, 3), job=(0, 4, 5)))
    assert top.rule.conditions == {0: (5.0, 12.0), 3: (0, 2, 3), 4: (0, 4, 5)}
    assert top.share_inside == 1.0 and top.recall == 1.0


def test_two_regions_are_two_rules_each_exactly_its_region() -> None:
    """The second rule is grown on what the first left (the boxes minus the rule)."""
    first = _box((3, 8), (20, 27))
    second = _box((20, 22), (0, 4), job=(2,))
    rules = _rules(first | second)
    assert [r.rule.conditions for r in rules] == [
        {0: (3.0, 8.0), 2: (20.0, 27.0)},
        {0: (20.0, 22.0), 2: (0.0, 4.0), 4: (2,)},
    ]
    total = (first | second).sum()
    assert [r.recall for r in rules] == pytest.approx([first.sum() / total, second.sum() / total])
    assert all(r.share_inside == 1.0 for r in rules)


def test_the_boxes_minus_a_rule_hold_exactly_the_idis_outside_it() -> None:
    """``_minus``: the disjoint boxes left outside any rule hold the IDI mass the rule does
    not (so the next rule is grown on the rest, nothing counted twice or lost)."""
    disc = _box((3, 8), (20, 27)) | _box((20, 22), (0, 4), job=(2,)) | _box((10, 25), (10, 15))
    bs = row_set(S, G[disc], skip=1)
    every = [np.ones_like(w) for w in bs.weights]
    rng = np.random.default_rng(0)
    for _ in range(20):
        keep = [
            np.ones_like(w) if j == 1 else (rng.random(len(w)) < 0.6).astype(float)
            for j, w in enumerate(bs.weights)
        ]
        inside, _, total = rule_figures(bs, keep)
        left = _minus(bs, bs.masks, keep)
        assert _mass(bs, left, every) == pytest.approx(total - inside, abs=1e-15)
        # and what is left is outside the rule: nothing of it inside
        assert _mass(bs, left, keep) == pytest.approx(0.0, abs=1e-15)


def test_a_stray_idi_under_one_percent_gets_no_rule_of_its_own() -> None:
    block = _box((3, 8), (20, 27), c=(1,))  # 288 inputs
    stray = _box((29, 29), (29, 29), c=(0,), job=(5,))  # 1 input: 0.35 % of the IDIs
    rules = _rules(block | stray)
    assert len(rules) == 1
    assert rules[0].rule.conditions == {0: (3.0, 8.0), 2: (20.0, 27.0), 3: (1,)}
    assert rules[0].recall == pytest.approx(288 / 289)


def test_discrimination_everywhere_is_no_region() -> None:
    assert _rules(np.ones(len(G), dtype=bool)) == []


def test_a_rule_keeps_a_condition_even_when_dropping_it_costs_little() -> None:
    """Every input but x0 = 0 (1/30 of the space) is an IDI: the rule 'x0 >= 1' (F1 1) may
    not be pruned to no condition at all (F1 0.98, within the 5 % pruning allows)."""
    (top,) = _rules(G[:, 0] >= 1)
    assert top.rule.conditions == {0: (1.0, 29.0)}
    assert top.share_inside == 1.0 and top.recall == 1.0


def test_rules_are_ranked_by_their_f1_not_the_order_they_were_grown_in() -> None:
    """Here the greedy peeling grows first a rule spanning both regions; the rule grown on
    what it left scores higher against every IDI and comes first."""
    disc = _box((18, 20), (16, 18), c=(0,), job=(2, 3, 4)) | _box((12, 19), (28, 28), c=(0, 2, 3))
    grown_first = _rules(disc, max_rules=1)[0]
    rules = _rules(disc)
    assert len(rules) == 2
    assert rules[0].rule.conditions != grown_first.rule.conditions
    scores = [_f1(r.rule, disc) for r in rules]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    assert rules[0].rule.conditions == {0: (12.0, 19.0), 2: (28.0, 28.0), 3: (0, 2, 3)}


def test_a_deadline_already_passed_still_gives_the_first_rule() -> None:
    disc = _box((3, 8), (20, 27)) | _box((20, 22), (0, 4), job=(2,))
    rules = _rules(disc, deadline=time.monotonic() - 1.0)
    assert len(rules) == 1
    assert rules[0].rule.conditions == {0: (3.0, 8.0), 2: (20.0, 27.0)}


WIDE = Schema(
    (
        Feature("income", "integer", 0, 99_999),  # wide: cut by ranges, not value by value
        Feature("s", "integer", 0, 1),
        Feature("score", "continuous", 0.0, 10.0),
    ),
    protected=("s",),
)


@functools.cache
def _wide_rules() -> list[ExactRule]:
    # (seed 1: the middle of the atom a witness is taken from is 25,025.5, not whole)
    rng = np.random.default_rng(1)
    x = WIDE.sample_uniform(rng, 20_000)
    inside = (x[:, 0] >= 20_000.5) & (x[:, 0] <= 29_999.5) & (x[:, 2] > 2.5) & (x[:, 2] <= 7.5)
    y = np.where(inside, x[:, 1], x[:, 2] > 5).astype(int)
    est = DecisionTreeClassifier(random_state=0).fit(WIDE.decode(x), y)
    arrays = read_trees(load_model(est))
    assert not isinstance(arrays, str)
    trees = compose_read(WIDE, arrays)
    assert not isinstance(trees, str)
    ex = analyse(WIDE, trees, "s")
    assert ex.status == "exact" and ex.every_box is not None and ex.atoms is not None
    assert ex.atoms[0].integer  # the case under test: a wide integer's atoms are ranges
    return exact_rules(box_set(WIDE, ex.atoms, ex.every_box, skip=1), WIDE)


def test_a_wide_integer_features_rule_ends_on_its_last_whole_value() -> None:
    """An atom of a wide integer feature is cuts[i] .. cuts[i + 1] - 1: the rule's upper
    bound is that last value (its volume, counted from the bounds as a reader would, is the
    exact volume), not the next atom's first."""
    rules = _wide_rules()
    top = rules[0]
    lo, hi = top.rule.conditions[0]
    assert lo == int(lo) and hi == int(hi)
    assert 20_000 <= lo <= 20_100 and 29_900 <= hi <= 29_999
    assert top.rule.volume(WIDE) == pytest.approx(top.volume, rel=1e-12)
    # the continuous feature's bounds are its atoms' edges (tree thresholds)
    s_lo, s_hi = top.rule.conditions[2]
    assert 2.4 < s_lo < 2.6 and 7.4 < s_hi < 7.6


def test_an_exact_rules_inputs_are_whole_where_the_feature_is() -> None:
    """The inputs given as witnesses (one in each of the rule's largest boxes) hold a whole
    number for an integer feature (an atom's middle rounded down), inside the rule."""
    rules = _wide_rules()
    inside = rules[0].inside
    assert inside is not None and len(inside)
    assert np.all(inside[:, 0] == np.floor(inside[:, 0]))
    assert rules[0].rule.contains(inside).all()


def test_enumerated_inputs_of_features_not_starting_at_zero_are_placed_by_their_value() -> None:
    """``row_set`` reads each input's cell as its value less the feature's lowest (an age
    from 18, a year from 1990): read as the value itself, cells shift or fall off the end."""
    schema = Schema(
        (
            Feature("age", "integer", 18, 47),
            Feature("s", "integer", 0, 1),
            Feature("year", "integer", 1990, 1999),
        ),
        protected=("s",),
    )
    ages, years = np.meshgrid(np.arange(18, 48), np.arange(1990, 2000), indexing="ij")
    grid = np.stack([ages.ravel(), np.zeros(ages.size), years.ravel()], axis=1).astype(float)
    disc = (grid[:, 0] >= 25) & (grid[:, 0] <= 31) & (grid[:, 2] >= 1994) & (grid[:, 2] <= 1996)
    (top,) = exact_rules(row_set(schema, grid[disc], skip=1), schema)
    assert top.rule.conditions == {0: (25.0, 31.0), 2: (1994.0, 1996.0)}
    # exactly 1, as the figures are exact (the sums came to 0.9999999999999998)
    assert top.share_inside == 1.0 and top.recall == 1.0
    assert top.volume == pytest.approx(7 / 30 * 3 / 10)


def test_a_condition_that_barely_matters_is_dropped() -> None:
    """x1 <= 28 leaves out 1/30 of the region's slab: the rule without it scores within 5 %
    (F1 0.98) and reads simpler, so the condition goes."""
    disc = _box((3, 8), (0, 28))
    (top,) = _rules(disc)
    assert top.rule.conditions == {0: (3.0, 8.0)}
    assert top.share_inside == pytest.approx(29 / 30) and top.recall == pytest.approx(1.0)


def test_a_rules_inputs_come_from_its_largest_boxes_first() -> None:
    """The inputs an exact rule gives for witnesses are one in each of the boxes holding the
    most IDI mass inside it, the largest first (a tree fitted on noisy samples of the
    planted region splits it into boxes of different sizes)."""
    from test_regions22_answer import BOX, PLANTED

    from assay.fairness.exact.rules import _factors

    rng = np.random.default_rng(1)
    x = PLANTED.sample_uniform(rng, 60_000)
    y = np.where(Rule(dict(BOX)).contains(x), x[:, 2], x[:, 4] > 7).astype(int)
    flip = rng.random(len(y)) < 0.02
    y[flip] = 1 - y[flip]
    est = DecisionTreeClassifier(min_samples_leaf=5, random_state=0).fit(x, y)
    trees = compose_read(PLANTED, read_trees(load_model(est)))  # type: ignore[arg-type]
    ex = analyse(PLANTED, trees, "sex")  # type: ignore[arg-type]
    bs = box_set(PLANTED, ex.atoms, ex.every_box, skip=2)  # type: ignore[arg-type]
    top = exact_rules(bs, PLANTED)[0]
    assert top.rule.conditions == BOX and top.inside is not None
    keep = []  # the rule's cells (every feature here is discrete: a cell per value)
    for j, w in enumerate(bs.weights):
        k = np.ones_like(w)
        if j in BOX:
            k = np.zeros_like(w)
            k[int(BOX[j][0]) : int(BOX[j][1]) + 1] = 1.0
        keep.append(k)
    mass = np.prod(_factors(bs, bs.masks, keep), axis=1)  # each box's IDI mass inside
    assert np.count_nonzero(mass) >= 2 and len(set(mass[mass > 0])) >= 2

    def box_of(point: np.ndarray) -> int:
        (k,) = [
            i
            for i in range(bs.n_boxes)
            if all(
                m.rows[m.ids[i]][int(point[j])] > 0 for j, m in enumerate(bs.masks) if j != bs.skip
            )
        ]
        return k

    held = [mass[box_of(p)] for p in top.inside]
    assert held[0] == mass.max()
    assert held == sorted(held, reverse=True)


def test_three_overlapping_regions_come_back_each_exactly() -> None:
    """Polishing may take a cell of a set feature out as well as put one in: the rules
    grown on what the first left are the other two regions, not wider rules that lost a
    condition on the categories."""
    regions = [
        _box((7, 26), (0, 23), c=(0, 1, 2), job=(3, 4, 5)),
        _box((11, 20), (19, 24), c=(0, 1, 3), job=(0, 1, 2, 4)),
        _box((23, 29), (16, 24), c=(0, 2), job=(0, 2, 3, 4, 5)),
    ]
    rules = _rules(regions[0] | regions[1] | regions[2])
    assert [r.rule.conditions for r in rules] == [
        {0: (7.0, 26.0), 2: (0.0, 23.0), 3: (0, 1, 2), 4: (3, 4, 5)},
        {0: (11.0, 20.0), 2: (19.0, 24.0), 3: (0, 1, 3), 4: (0, 1, 2, 4)},
        {0: (23.0, 29.0), 2: (16.0, 24.0), 3: (0, 2), 4: (0, 2, 3, 4, 5)},
    ]


def test_a_region_overlapping_another_is_one_rule_not_two_pieces() -> None:
    """Cells of a set feature holding no IDI are peeled at once: peeled one by one, the
    second region came back as two rules split on x1."""
    regions = _box((4, 9), (12, 23), c=(1, 3), job=(0, 2)) | _box(
        (5, 8), (11, 20), c=(1, 3), job=(0, 1, 4, 5)
    )
    rules = _rules(regions)
    assert len(rules) == 2
    assert rules[1].rule.conditions == {0: (4.0, 9.0), 2: (12.0, 23.0), 3: (1, 3), 4: (0, 2)}
