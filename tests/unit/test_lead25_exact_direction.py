"""Who is favoured, counted exactly over a tree's discriminatory boxes: equal to asking the
model every input of a small domain (and every data row)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact_direction import boxes_direction
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 2),
        Feature("b", "integer", 0, 14),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0)),
    ),
    protected=("s",),
)
GRID = np.array(
    list(
        itertools.product(*[np.arange(f.encoded_low, f.encoded_high + 1) for f in SCHEMA.features])
    ),
    dtype=np.float64,
)


def _fitted(estimator: Any, n_classes: int) -> Any:
    rng = np.random.default_rng(0)
    x = SCHEMA.sample_uniform(rng, 3000)
    score = x[:, 0] + 2 * x[:, 1] + 3 * (x[:, 2] > 7) + x[:, 3] + rng.normal(0, 2, 3000)
    y = np.digitize(score, [8.0] if n_classes == 2 else [6.0, 10.0])
    estimator.fit(SCHEMA.decode(x), y)
    return x, load_model(estimator)


def _brute(
    model: Any, attribute: str, rows: np.ndarray, fav: int, schema: Schema = SCHEMA
) -> tuple[list[float], int]:
    """Per value of ``attribute``: the share of the IDIs among ``rows`` in which it gets
    ``fav``, by asking the model; and the number of IDIs."""
    j = schema.index(attribute)
    f = schema.features[j]
    classes = []
    for v in range(int(f.encoded_low), int(f.encoded_high) + 1):
        g = rows.copy()
        g[:, j] = v
        classes.append(labels_of(np.asarray(model.predict(schema.decode(g))), model.capabilities))
    stacked = np.stack(classes, axis=1)
    idi = stacked.min(axis=1) != stacked.max(axis=1)
    return [float(np.mean(stacked[idi, i] == fav)) for i in range(stacked.shape[1])], int(idi.sum())


@pytest.mark.parametrize(
    ("estimator", "n_classes"),
    [
        (DecisionTreeClassifier(random_state=0), 2),
        (DecisionTreeClassifier(max_depth=5, random_state=0), 2),
        (DecisionTreeClassifier(random_state=1), 3),
    ],
    ids=["tree", "shallow", "three-classes"],
)
def test_who_is_favoured_over_a_trees_boxes_equals_enumeration(
    estimator: Any, n_classes: int
) -> None:
    x, model = _fitted(estimator, n_classes)
    arrays = read_trees(model)
    assert not isinstance(arrays, str)
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str)
    data = x[:400]
    checked = 0
    for attribute in ("s", "c", "a"):
        result = analyse(SCHEMA, trees, attribute, data=data)
        assert result.status == "exact"
        for fav in range(n_classes):
            got = boxes_direction(SCHEMA, attribute, result, fav)
            assert got is not None, attribute
            rows, data_exact = got
            space = [r for r in rows if r["distribution"] == "exact space"]
            on_data = [r for r in rows if r["distribution"] == "data"]
            want, _ = _brute(model, attribute, GRID, fav)
            assert [r["favoured_in"] for r in space] == pytest.approx(want, abs=1e-12)
            want_d, n_d = _brute(model, attribute, data, fav)
            if n_d:
                assert data_exact
                assert all(r["exact"] and r["idis"] == n_d for r in on_data)
                assert [r["favoured_in"] for r in on_data] == pytest.approx(want_d, abs=1e-12)
            checked += 1
    assert checked == 3 * n_classes


def test_a_clean_tree_or_an_ensemble_gives_no_counted_direction() -> None:
    x, model = _fitted(DecisionTreeClassifier(random_state=0), 2)
    trees = compose_read(SCHEMA, read_trees(model))  # type: ignore[arg-type]
    assert not isinstance(trees, str)
    result = analyse(SCHEMA, trees, "s", data=x[:50])
    assert result.class_mass
    result.status = "bounded"  # bounds only: who is favoured is the sample's
    assert boxes_direction(SCHEMA, "s", result, 1) is None
    _, forest = _fitted(RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0), 2)
    arrays = compose_read(SCHEMA, read_trees(forest))  # type: ignore[arg-type]
    assert not isinstance(arrays, str)
    # an ensemble's branch and bound keeps no per-box classes
    assert boxes_direction(SCHEMA, "s", analyse(SCHEMA, arrays, "s"), 1) is None
