"""Exact regions: rules learned from every discriminatory box of the exact analysis.

Each rule's share of IDIs inside, share of all the IDIs it covers and share of the input space
must equal what enumerating every input of a small domain gives (no sampling), and a bias
planted in one small box (well under 1 % of the space) must come back as the top rule, exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.rules import box_set, exact_rules, rule_figures
from assay.fairness.regions import Rule, as_set
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

from test_regions22_answer import BOX, PLANTED, _grid, planted_tree  # isort: skip

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 2),
        Feature("b", "integer", 0, 14),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0)),
        Feature("job", "integer", 0, 5, nominal=True),
    ),
    protected=("s",),
)


def _disc(schema: Schema, model: Any, rows: np.ndarray, attribute: str) -> np.ndarray:
    """Each row: does the model's class change with ``attribute`` alone (asked, every value)."""
    j = schema.index(attribute)
    f = schema.features[j]
    got = []
    for v in range(int(f.encoded_low), int(f.encoded_high) + 1):
        g = rows.copy()
        g[:, j] = v
        got.append(labels_of(np.asarray(model.predict(schema.decode(g))), model.capabilities))
    stacked = np.stack(got, axis=1)
    return np.asarray(stacked.min(axis=1) != stacked.max(axis=1))


def _exact(schema: Schema, est: Any, attribute: str, **kw: Any) -> tuple[Any, Any]:
    model = load_model(est)
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str), trees
    return model, analyse(schema, trees, attribute, **kw)


def _brute_figures(rule: Rule, grid: np.ndarray, disc: np.ndarray) -> tuple[float, float, float]:
    inside = rule.contains(grid)
    return (
        float((inside & disc).sum() / inside.sum()),
        float((inside & disc).sum() / disc.sum()),
        float(inside.mean()),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_rule_figures_equal_brute_force_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = SCHEMA.sample_uniform(rng, 4000)
    # the protected value matters in some corners only, through the other features
    score = x[:, 0] + 3 * (x[:, 2] > 7) + x[:, 3] + (x[:, 4] % 2) * x[:, 1] * 2
    y = ((score + rng.normal(0, 1.5, len(x))) > 8).astype(int)
    est = DecisionTreeClassifier(max_depth=7, random_state=seed).fit(SCHEMA.decode(x), y)
    model, result = _exact(SCHEMA, est, "s")
    assert result.status == "exact" and result.every_box is not None
    grid = _grid(SCHEMA)  # 10 x 3 x 15 x 4 x 6 = 10,800 inputs
    disc = _disc(SCHEMA, model, grid, "s")
    assert 0 < disc.mean() < 1
    bs = box_set(SCHEMA, result.atoms, result.every_box, skip=SCHEMA.index("s"))
    rules = exact_rules(bs, SCHEMA)
    assert rules
    for e in rules:
        precision, recall, volume = _brute_figures(e.rule, grid, disc)
        assert e.share_inside == pytest.approx(precision, abs=1e-12)
        assert e.recall == pytest.approx(recall, abs=1e-12)
        assert e.volume == pytest.approx(volume, abs=1e-12)
        assert e.rule.volume(SCHEMA) == pytest.approx(volume, abs=1e-12)
    # any rule over the cells, not only those found: random intervals and sets
    for _ in range(30):
        keep = []
        for j, w in enumerate(bs.weights):
            k = np.ones_like(w)
            if j != bs.skip and rng.random() < 0.7:
                if as_set(SCHEMA.features[j]):
                    k = (rng.random(len(w)) < 0.6).astype(float)
                    k[rng.integers(len(w))] = 1.0
                else:
                    lo, hi = sorted(rng.integers(0, len(w), 2))
                    k = np.zeros_like(w)
                    k[lo : hi + 1] = 1.0
            keep.append(k)
        inside_mass, volume, total = rule_figures(bs, keep)
        conditions: dict[int, Any] = {}
        for j, k in enumerate(keep):
            if j == bs.skip or k.all():
                continue
            on = np.flatnonzero(k)
            if as_set(SCHEMA.features[j]):
                conditions[j] = tuple(int(bs.starts[j][c]) for c in on)
            else:
                conditions[j] = (float(bs.starts[j][on[0]]), float(bs.ends[j][on[-1]]))
        inside = Rule(conditions).contains(grid)
        assert volume == pytest.approx(inside.mean(), abs=1e-12)
        assert inside_mass == pytest.approx((inside & disc).mean(), abs=1e-12)
        assert total == pytest.approx(disc.mean(), abs=1e-12)


def test_a_planted_small_region_is_the_top_rule_with_exact_figures() -> None:
    _, result = _exact(PLANTED, planted_tree(), "sex")
    share = result.uniform[0]
    assert result.status == "exact" and share == pytest.approx(8 / 3375)
    bs = box_set(PLANTED, result.atoms, result.every_box, skip=PLANTED.index("sex"))
    rules = exact_rules(bs, PLANTED)
    top = rules[0]
    assert top.rule.conditions == BOX
    assert top.share_inside == pytest.approx(1.0, abs=1e-12)
    assert top.recall == pytest.approx(1.0, abs=1e-12)
    assert top.volume == pytest.approx(8 / 3375, abs=1e-12) and top.volume < 0.01
    assert len(rules) == 1  # nothing left to cover


def test_the_benchmark_tree_s_exact_rules_take_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's target: regions under 10 s on the benchmark tree (the Adult tree).
    Counted: the mask cells the rules' search multiplies (each feature's masks shared by
    the boxes that hold the same cells); ``bench/fairness_exact.py`` prints the seconds."""
    from assay.datasets import load_dataset
    from assay.fairness.exact.rules import Masks

    ds = load_dataset("adult")
    est = DecisionTreeClassifier(random_state=0).fit(ds.X, np.asarray(ds.target).astype(int))
    schema = ds.schema.with_protected(["sex"])
    _, result = _exact(schema, est, "sex")
    work = [0]
    weigh, cells = Masks.weigh, Masks.cells

    def weighed(self: Masks, vec: np.ndarray) -> np.ndarray:
        work[0] += self.rows.size + len(self.ids)
        return weigh(self, vec)

    def summed(self: Masks, per_box: np.ndarray) -> np.ndarray:
        work[0] += self.rows.size + len(self.ids)
        return cells(self, per_box)

    monkeypatch.setattr(Masks, "weigh", weighed)
    monkeypatch.setattr(Masks, "cells", summed)
    bs = box_set(schema, result.atoms, result.every_box, skip=schema.index("sex"))
    rules = exact_rules(bs, schema)
    assert bs.n_boxes == result.n_boxes > 50  # every box, not the 50 kept for the report
    # (measured: 68.9 million, 0.7 s of CPU; a mask for each box instead of each distinct
    # one: 309 million)
    assert rules and 0 < work[0] < 150_000_000, work[0]
    # the top rule holds more of the IDIs than the largest box (what the line showed before)
    assert rules[0].recall > result.boxes[0]["share_of_space"] / result.uniform[0]


def test_an_enumerated_domain_gives_exact_rules_for_any_model() -> None:
    """A forest asked as a black box on a small domain: every input enumerated, so every IDI
    is known and the rules' figures are exact (each IDI a box of one input)."""
    import time

    from sklearn.ensemble import RandomForestClassifier

    from assay.fairness.exact.enumerated import enumerate_share
    from assay.fairness.exact.rules import row_set

    rng = np.random.default_rng(3)
    x = SCHEMA.sample_uniform(rng, 3000)
    y = ((x[:, 0] + (x[:, 4] % 2) * x[:, 1] * 3 + rng.normal(0, 1, len(x))) > 7).astype(int)
    forest = RandomForestClassifier(10, max_depth=5, random_state=0).fit(SCHEMA.decode(x), y)
    model = load_model(forest)

    def classes(rows: np.ndarray) -> np.ndarray:  # encoded rows, as the answer asks
        got = model.predict(SCHEMA.decode(rows))
        return np.asarray(labels_of(np.asarray(got), model.capabilities))

    ex = enumerate_share(
        SCHEMA, classes, "s", data=None, deadline=time.monotonic() + 120, source="forest"
    )
    assert not isinstance(ex, str), ex
    assert ex.idi_rows is not None and len(ex.idi_rows) > 0
    grid = _grid(SCHEMA)
    disc = _disc(SCHEMA, model, grid, "s")
    assert len(ex.idi_rows) * 3 == disc.sum()  # each input counted once, not per value of s
    rules = exact_rules(row_set(SCHEMA, ex.idi_rows, skip=SCHEMA.index("s")), SCHEMA)
    assert rules
    for e in rules:
        precision, recall, volume = _brute_figures(e.rule, grid, disc)
        assert e.share_inside == pytest.approx(precision, abs=1e-12)
        assert e.recall == pytest.approx(recall, abs=1e-12)
        assert e.volume == pytest.approx(volume, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 3])
def test_a_planted_region_learned_from_noisy_samples_is_still_the_top_rule(seed: int) -> None:
    """A tree fitted on 60,000 drawn rows, 2 % of labels flipped: it also splits on the sex
    in a few stray leaves, so not every IDI is in the planted box.  The top rule is the
    planted box (issue 11: precision and recall against it both >= 0.8; here exactly it),
    not a wider rule holding the stray boxes too."""
    rng = np.random.default_rng(seed)
    x = PLANTED.sample_uniform(rng, 60_000)
    y = np.where(Rule(dict(BOX)).contains(x), x[:, 2], x[:, 4] > 7).astype(int)
    flip = rng.random(len(y)) < 0.02
    y[flip] = 1 - y[flip]
    est = DecisionTreeClassifier(min_samples_leaf=5, random_state=0).fit(x, y)
    _, result = _exact(PLANTED, est, "sex")
    assert result.n_boxes > 1 and result.uniform[0] < 0.01
    bs = box_set(PLANTED, result.atoms, result.every_box, skip=PLANTED.index("sex"))
    top = exact_rules(bs, PLANTED)[0]
    grid = _grid(PLANTED)
    planted, found = Rule(dict(BOX)).contains(grid), top.rule.contains(grid)
    assert (found & planted).sum() / found.sum() >= 0.8
    assert (found & planted).sum() / planted.sum() >= 0.8
    assert top.rule.conditions == BOX and top.share_inside == pytest.approx(1.0)
    assert top.recall < 1.0  # the stray IDIs are outside it, and its recall says so
