"""left27: an ensemble whose boxes are settled at once (``exact.settle``, the root box among
them) still keeps discriminatory boxes to show: each kept box is wholly discriminatory and
has the share of the grid inside it, and the share stays equal to brute force.  (A 5-tree
depth-2 boosting model was settled at its root: a share of 0.3 with ``n_boxes 0``, and an
answer with no box, region or witness where the sample met no IDI.)"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier

from assay.core.model import labels_of
from assay.fairness.exact import compose_read, ensemble, kernel
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import atoms_of_rows, flatten
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees


def _schema(n_values: int, top: int) -> Schema:
    return Schema(
        (
            Feature("a", "integer", 0, top),
            Feature("s", "integer", 0, n_values - 1),
            Feature("b", "integer", 0, 29),
        ),
        protected=("s",),
    )


def _grid(schema: Schema) -> np.ndarray:
    ranges = [np.arange(f.encoded_low, f.encoded_high + 1) for f in schema.features]
    return np.array(list(itertools.product(*ranges)), dtype=np.float64)


def _model(schema: Schema, top: int, n_trees: int) -> Any:
    rng = np.random.default_rng(0)
    x = schema.sample_uniform(rng, 3000)
    score = x[:, 0] * 10 / (top + 1) + 4 * x[:, 1] + x[:, 2] / 10 + rng.normal(0, 1.5, len(x))
    est = GradientBoostingClassifier(n_estimators=n_trees, max_depth=2, random_state=0)
    return load_model(est.fit(schema.decode(x), (score > 7).astype(int)))


@pytest.mark.parametrize("direction", [False, True])
@pytest.mark.parametrize(
    ("n_values", "top", "n_trees"),
    # 40 trees: many pieces a side, counted by the sweep; 3 values: pair by pair
    [(2, 9, 5), (2, 199, 5), (3, 9, 5), (2, 19, 40)],
)
def test_boxes_settled_at_once_leave_wholly_discriminatory_boxes(
    n_values: int, top: int, n_trees: int, direction: bool
) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    schema = _schema(n_values, top)
    model = _model(schema, top, n_trees)
    trees = compose_read(schema, read_trees(model))
    assert not isinstance(trees, str)
    domain = build_domain(schema, trees)
    flat = flatten(domain, trees, 1)
    assert not isinstance(flat, str)
    got = ensemble.refine(flat, deadline=float("inf"), compiled=True, direction=direction)
    assert got.settled > 0 and not got.timed_out and not len(got.pend_mass)
    # brute force: each input (its s aside) whose class changes with s
    grid = _grid(schema)
    base = grid[grid[:, 1] == 0]
    classes = []
    for v in range(n_values):
        g = base.copy()
        g[:, 1] = v
        classes.append(labels_of(np.asarray(model.predict(schema.decode(g))), model.capabilities))
    stacked = np.stack(classes, axis=1)
    disc = stacked.min(axis=1) != stacked.max(axis=1)
    assert 0.0 < disc.mean() < 1.0
    assert got.disc_mass == pytest.approx(disc.mean(), abs=1e-12)
    assert len(got.found_mass) >= 1 and got.n_boxes >= len(got.found_mass)
    atoms = atoms_of_rows(domain.atoms, base)
    for lo, hi, mass in zip(got.found_lo, got.found_hi, got.found_mass, strict=True):
        inside = np.all((atoms >= lo) & (atoms < hi), axis=1)
        assert inside.any() and disc[inside].all(), (lo, hi)
        assert mass == pytest.approx(inside.mean(), abs=1e-12)
