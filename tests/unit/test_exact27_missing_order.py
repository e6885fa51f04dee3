"""exact27: ensembles whose splits send a missing value with the low values go through the
branch and bound (the missing atom placed below the known values, splits still broken cut at
it first), with the figures of asking the model every input (a discrete domain) and of the
box-by-box refinement (a fractional one)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact import analysis as analysis_module
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import flatten
from assay.fairness.exact.order import atom_orders, first_change, permuted, split_in
from assay.fairness.exact_direction import boxes_direction
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

from test_exact27_ensemble_direction import grid  # isort: skip
from test_lead25_exact_direction import _brute as brute  # isort: skip

DISCRETE = Schema(
    (
        Feature("a", "integer", 0, 9, missing=True),
        Feature("s", "integer", 0, 2),
        Feature("b", "integer", 0, 11, missing=True),
        Feature("c", "categorical", categories=(0.0, 1.0, 2.0), missing=True),
    ),
    protected=("s",),
)
FRACTIONAL = Schema(
    (
        Feature("s", "integer", 0, 1),
        Feature("a", "integer", 0, 20),
        Feature("c", "continuous", 0, 10, missing=True),
        Feature("d", "continuous", 0, 5, missing=True),
    ),
    protected=("s",),
)


def _fit(estimator: Any, fractional: bool) -> tuple[np.ndarray, Any]:
    """Rows with the features that may be missing empty one time in five; the class leans on
    ``s`` and on whether they are missing, so splits send missing both ways."""
    rng = np.random.default_rng(3)
    n = 3000
    if fractional:
        x = np.column_stack(
            [
                rng.integers(0, 2, n),
                rng.integers(0, 21, n),
                rng.uniform(0, 10, n),
                rng.uniform(0, 5, n),
            ]
        )
        holes = (2, 3)
        score = 0.3 * x[:, 0] + 0.1 * x[:, 1] + 0.3 * x[:, 2] + 0.4 * x[:, 3]
    else:
        x = np.column_stack(
            [
                rng.integers(0, 10, n),
                rng.integers(0, 3, n),
                rng.integers(0, 12, n),
                rng.integers(0, 3, n),
            ]
        ).astype(float)
        holes = (0, 2, 3)
        score = 0.2 * x[:, 0] + 0.6 * x[:, 1] + 0.15 * x[:, 2] + 0.3 * x[:, 3]
    for j in holes:
        empty = rng.random(n) < 0.2
        # missing means low for one feature, high for the other: both ways in the trees
        score[empty] += 1.5 if j % 2 else -1.5
        x[empty, j] = np.nan
    y = (score + rng.normal(0, 0.7, n) > np.nanmedian(score)).astype(int)
    estimator.fit(x, y)
    return x, load_model(estimator)


def _trees(model: Any, schema: Schema) -> Any:
    trees = compose_read(schema, read_trees(model))
    assert not isinstance(trees, str), trees
    return trees


def _both_ways(trees: Any, schema: Schema) -> set[str]:
    """The features that may be missing with splits sending missing left and others right."""
    ways: dict[int, set[bool]] = {}
    for tree in trees.trees:
        assert tree.missing_left is not None
        for node in np.flatnonzero(tree.feature >= 0):
            j = trees.columns[int(tree.feature[node])].feature
            ways.setdefault(j, set()).add(bool(tree.missing_left[node]))
    return {f.name for j, f in enumerate(schema.features) if f.missing and len(ways[j]) == 2}


def _brute(model: Any, schema: Schema, attribute: str, fav: int) -> tuple[float, list[float]]:
    """The share of the grid's inputs whose class changes with ``attribute`` alone, and per
    value the share of those IDIs in which it gets ``fav``, by asking the model."""
    every = grid(schema)
    j = schema.index(attribute)
    rows = every[every[:, j] == schema.features[j].encoded_low]
    favoured, n_idi = brute(model, attribute, rows, fav, schema)
    return n_idi / len(rows), favoured


@pytest.mark.parametrize(
    "estimator",
    [
        lambda: HistGradientBoostingClassifier(max_iter=40, random_state=0),
        lambda: RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0),
        # two fully grown trees: pure leaves whose votes tie (margin 0, the model's first
        # class), some of them in the copies made for the missing side
        lambda: RandomForestClassifier(n_estimators=2, random_state=3),
    ],
    ids=["hist-boosting", "forest", "tied-votes"],
)
def test_missing_going_low_is_refined_by_the_branch_and_bound_as_enumeration_says(
    estimator: Any,
) -> None:
    _, model = _fit(estimator(), fractional=False)
    trees = _trees(model, DISCRETE)
    assert _both_ways(trees, DISCRETE)  # a feature's splits send missing both ways
    domain = build_domain(DISCRETE, trees)
    for attribute in ("s", "c"):
        # the vectorised/compiled path, not box by box
        assert not isinstance(flatten(domain, trees, DISCRETE.index(attribute)), str)
        result = analyse(DISCRETE, trees, attribute, direction=True)
        assert result.status == "exact"
        for fav in (0, 1):
            share, favoured = _brute(model, DISCRETE, attribute, fav)
            assert result.uniform[0] == pytest.approx(share, abs=1e-12)
            got = boxes_direction(DISCRETE, attribute, result, fav)
            assert got is not None
            space = [r["favoured_in"] for r in got[0] if r["distribution"] == "exact space"]
            assert space == pytest.approx(favoured, abs=1e-9)


def test_a_fractional_missing_models_figures_equal_the_box_by_box_refinement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HistGradientBoosting on two fractional features with missing values: the branch and
    bound's share, boxes and share over the data equal those of the box-by-box refinement
    (checked against asking the model in ``test_missing24b_exact_missing``)."""
    x, model = _fit(HistGradientBoostingClassifier(max_iter=30, random_state=0), True)
    trees = _trees(model, FRACTIONAL)
    assert _both_ways(trees, FRACTIONAL) == {"c", "d"}
    data = FRACTIONAL.encode(FRACTIONAL.decode(np.nan_to_num(x[:500], nan=0.0)))
    data[:500:5, 2] = FRACTIONAL.features[2].encoded_high  # some rows missing c
    assert not isinstance(flatten(build_domain(FRACTIONAL, trees), trees, 0), str)
    fast = analyse(FRACTIONAL, trees, "s", data=data, direction=True)
    assert fast.status == "exact"
    assert fast.every_box is None  # the branch and bound's result (no box kept per box)
    monkeypatch.setattr(analysis_module, "flatten", lambda *a: "forced box by box")
    slow = analyse(FRACTIONAL, trees, "s", data=data, direction=True)
    assert slow.status == "exact" and slow.every_box is not None
    assert 0 < slow.uniform[0] < 1
    assert fast.uniform[0] == pytest.approx(slow.uniform[0], abs=1e-12)
    assert fast.data == slow.data
    for fav in (0, 1):
        quick, boxed = (boxes_direction(FRACTIONAL, "s", r, fav) for r in (fast, slow))
        assert quick is not None and boxed is not None
        assert [r["favoured_in"] for r in quick[0]] == pytest.approx(
            [r["favoured_in"] for r in boxed[0]], abs=1e-9
        )
        assert [r.get("favoured_count") for r in quick[0]] == [
            r.get("favoured_count") for r in boxed[0]
        ]


def test_the_missing_atom_goes_where_fewer_splits_are_broken() -> None:
    """Atoms 0-3 known, 4 missing: splits sending missing with the low values make the
    missing atom the bottom one; a set of known atoms that is no run is refused."""
    from assay.fairness.exact.domain import Atoms, Domain

    atoms = Atoms(np.full(5, 0.2), None, np.arange(6.0), 0.0, missing_above=4.0)
    low_missing = 0b10011  # atoms 0, 1 and missing
    high_missing = 0b00111  # atoms 0-2
    feats = np.array([0, -1, -1])

    def orders(*splits: int) -> Any:
        domain = Domain(
            (atoms, atoms),
            tuple(feats for _ in splits),
            tuple([b, 0, 0] for b in splits),
            (4, None),
        )
        return atom_orders(domain)

    assert orders(high_missing)[0].tolist() == [0, 1, 2, 3, 4]  # as it is
    assert orders(low_missing, low_missing, high_missing)[0].tolist() == [4, 0, 1, 2, 3]
    assert orders(low_missing, high_missing, high_missing)[0].tolist() == [0, 1, 2, 3, 4]
    assert isinstance(orders(0b10101), str)  # known atoms 0 and 2: no run
    bottom = np.array([4, 0, 1, 2, 3])
    assert permuted(low_missing, bottom) == 0b00111
    assert split_in(permuted(high_missing, bottom), 0, 5) is None  # broken: cut first
    assert first_change(permuted(high_missing, bottom), 0, 5) == 1  # at the missing atom
    assert split_in(permuted(high_missing, bottom), 1, 5) == (4, True)
