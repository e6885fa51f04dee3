"""mutation27: mutants of exact27's ensemble direction and missing-value ordering that its own
tests let live, killed here (bench/RESULTS.md, "mutation27")."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.domain import Atoms, Domain, build_domain
from assay.fairness.exact.ensemble import flatten
from assay.fairness.exact.ensemble_direction import class_mass, rows_classes
from assay.fairness.exact.order import atom_orders
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

from test_exact27_missing_order import DISCRETE, _fit, _trees  # isort: skip


def test_class_mass_reads_the_rows_of_an_attribute_not_starting_at_zero() -> None:
    # values 5, 6, 7 of the attribute: 5 is atom 0, 6 and 7 atom 1
    atoms = Atoms(np.array([1 / 3, 2 / 3]), np.array([0, 1, 1]), None, 5.0)
    rows = (np.array([2, 7, 7]), 9)  # of 9 rows whose class changes, 2 get 1 with value 5
    got = class_mass(atoms, 5.0, np.array([0.1, 0.3]), 0.4, rows)
    assert got[(0, 1)] == (0.1, 2) and got[(0, 0)] == (0.4 - 0.1, 7)
    assert got[(1, 1)] == (0.3, 7) and got[(1, 0)] == (0.4 - 0.3, 2)


def test_class_mass_keeps_each_atoms_mass_within_the_discriminatory_mass() -> None:
    """``ones`` summed over boxes in floating point may step past 0 or the whole mass."""
    atoms = Atoms(np.array([0.5, 0.5]), np.array([0, 1]), None, 0.0)
    got = class_mass(atoms, 0.0, np.array([-1e-15, 0.5 + 1e-12]), 0.5, None)
    assert got[(0, 1)] == (0.0, 0) and got[(0, 0)] == (0.5, 0)
    assert got[(1, 1)] == (0.5, 0) and got[(1, 0)] == (0.0, 0)


def test_rows_classes_counts_a_single_data_row() -> None:
    schema = Schema(
        (Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 1)), protected=("s",)
    )
    x = np.array([[a, s] for a in range(10) for s in range(2)] * 5, dtype=np.float64)
    y = (x[:, 0] + 3 * x[:, 1] > 6).astype(np.int64)
    fitted = GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0).fit(x, y)
    model = compose_read(schema, read_trees(load_model(fitted)))
    assert not isinstance(model, str)
    row = np.array([[5.0, 0.0]])  # class 0 with s 0 (5), class 1 with s 1 (8)
    got = rows_classes(schema, model, 1, row, time.monotonic() + 60)
    assert got is not None
    ones, changed = got
    assert changed == 1 and ones.tolist() == [0, 1]


def test_a_split_of_known_atoms_that_is_no_run_is_refused_beside_others_that_are() -> None:
    atoms = Atoms(np.full(5, 0.2), None, np.arange(6.0), 0.0, missing_above=4.0)
    feats = np.array([0, -1, -1])
    splits = (0b10011, 0b10101)  # missing with 0 and 1 (a run once moved); 0 and 2: no run
    domain = Domain(
        (atoms, atoms), tuple(feats for _ in splits), tuple([b, 0, 0] for b in splits), (4, None)
    )
    assert isinstance(atom_orders(domain), str)


def test_the_boxes_of_a_model_whose_missing_atoms_moved_hold_their_own_data_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Missing values going low move the missing atoms (``order``): each box the branch and
    bound keeps is read back in the domain's atoms (its rule) and counts the data rows
    inside it in the same order; all its boxes kept, they hold every row whose class
    changes."""
    import assay.fairness.exact.ensemble as ensemble

    monkeypatch.setattr(ensemble, "_SETTLE_PIECES", 0)  # boxes, not one settled root
    monkeypatch.setattr(ensemble, "_SETTLE_PAIRS", 0)
    x, model = _fit(HistGradientBoostingClassifier(max_iter=40, random_state=0), False)
    trees = _trees(model, DISCRETE)
    flat = flatten(build_domain(DISCRETE, trees), trees, DISCRETE.index("s"))
    assert not isinstance(flat, str)
    assert any(o.tolist() != list(range(len(o))) for o in flat.orders)  # some atoms moved
    data = x[:600].copy()
    for j, f in enumerate(DISCRETE.features):
        data[np.isnan(data[:, j]), j] = f.encoded_high
    got = analyse(DISCRETE, trees, "s", data=data, direction=True, max_boxes=100_000)
    assert got.status == "exact" and got.data is not None and got.n_boxes == len(got.boxes)
    assert sum(b["data_rows"] for b in got.boxes) == round(got.data[0] * len(data))
    for box in got.boxes:
        inside = np.ones(len(data), dtype=bool)
        for name, values in box["conditions"].items():
            j = DISCRETE.index(name)
            high = DISCRETE.features[j].encoded_high  # (the values are their own codes here)
            codes = [high if v is None or v == "missing" else float(v) for v in values]
            inside &= np.isin(data[:, j], codes)
        assert int(inside.sum()) == box["data_rows"], box["rule"]
