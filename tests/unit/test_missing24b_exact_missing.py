"""missing24b: the exact analysis follows a tree's branch for a missing value.

Under ``--missing value`` each column with empty cells takes "missing" as one more value,
given to the model as NaN.  The trees were not read for such runs (missing24); now the reading
sends the missing code where the model sends NaN (scikit-learn's ``missing_go_to_left``,
HistGradientBoosting's own, ONNX's ``nodes_missing_value_tracks_true``, an imputer's fill
composed in front), and every figure here is checked against asking the model every input
of a small domain (a fine grid for a fractional column).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.rules import box_set, exact_rules
from assay.fairness.regions import rule_text
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

DISCRETE = Schema(
    (
        Feature("a", "integer", 0, 4, missing=True),
        Feature("s", "integer", 0, 1),
        Feature("b", "categorical", categories=(0.0, 1.0, 2.0, 3.0), missing=True),
    ),
    protected=("s",),
)
GRID = np.array(list(itertools.product(range(6), range(2), range(5))), dtype=float)

FRACTIONAL = Schema(
    (
        Feature("a", "integer", 0, 4, missing=True),
        Feature("s", "integer", 0, 1),
        Feature("c", "continuous", 0, 10, missing=True),
    ),
    protected=("s",),
)


def _data(fractional: bool, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a and the third column empty one time in five; the class depends on s only
    where the third column is empty."""
    rng = np.random.default_rng(seed)
    n = 600
    third = rng.uniform(0, 10, n) if fractional else rng.integers(0, 4, n)
    x = np.column_stack([rng.integers(0, 5, n), rng.integers(0, 2, n), third]).astype(float)
    x[rng.random(n) < 0.2, 0] = np.nan
    x[rng.random(n) < 0.2, 2] = np.nan
    known = np.nan_to_num(x[:, 0]) + x[:, 2] > (6 if fractional else 4)
    return x, np.where(np.isnan(x[:, 2]), x[:, 1], known).astype(int)


def _classes(model: Any, schema: Schema) -> Any:
    def classes(rows: np.ndarray) -> np.ndarray:
        return labels_of(np.asarray(model.predict(schema.decode(rows))), model.capabilities)

    return classes


def _brute_force(classes: Any, grid: np.ndarray, weight: np.ndarray) -> float:
    """The weighted share of the grid's inputs whose class changes with s alone."""
    pairs = grid[grid[:, 1] == 0]
    w = weight[grid[:, 1] == 0]
    other = pairs.copy()
    other[:, 1] = 1
    return float(np.sum((classes(pairs) != classes(other)) * w) / np.sum(w))


def _read(model: Any, schema: Schema) -> Any:
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str), trees
    return trees


def _onnx(est: Any, x: np.ndarray, tmp_path: Path) -> Any:
    skl2onnx = pytest.importorskip("skl2onnx")
    onx = skl2onnx.to_onnx(est, x[:1].astype(np.float32), options={id(est): {"zipmap": False}})
    path = tmp_path / "model.onnx"
    path.write_bytes(onx.SerializeToString())
    return load_model(path)


MODELS = {
    "tree": lambda: DecisionTreeClassifier(random_state=0),
    "forest": lambda: RandomForestClassifier(n_estimators=10, random_state=0),
    "extra-trees": lambda: ExtraTreesClassifier(n_estimators=10, random_state=0),
    "hist-gradient-boosting": lambda: HistGradientBoostingClassifier(max_iter=20),
    # native categorical splits: a missing code goes where the booster sends missing values
    "hist-gradient-boosting-categorical": lambda: HistGradientBoostingClassifier(
        max_iter=20, categorical_features=[0, 2]
    ),
    # GradientBoosting refuses NaN: in front of it, an imputer's fill is composed
    "imputed-gradient-boosting": lambda: make_pipeline(
        SimpleImputer(strategy="median"), GradientBoostingClassifier(n_estimators=20)
    ),
    "imputed-tree": lambda: make_pipeline(
        SimpleImputer(strategy="most_frequent"), DecisionTreeClassifier(random_state=0)
    ),
}


def _model(kind: str, fractional: bool, tmp_path: Path) -> Any:
    x, y = _data(fractional)
    if kind.startswith("onnx-"):
        est = MODELS[kind[5:]]().fit(x, y)
        return _onnx(est, x, tmp_path)
    return load_model(MODELS[kind]().fit(x, y))


@pytest.mark.parametrize("kind", [*MODELS, "onnx-tree", "onnx-forest"])
def test_the_exact_share_equals_asking_every_input(kind: str, tmp_path: Path) -> None:
    model = _model(kind, False, tmp_path)
    trees = _read(model, DISCRETE)
    classes = _classes(model, DISCRETE)
    assert np.array_equal(trees.predict_encoded(GRID), classes(GRID))
    result = analyse(DISCRETE, trees, "s")
    assert result.status == "exact"
    truth = _brute_force(classes, GRID, np.ones(len(GRID)))
    assert truth > 0  # the planted missing branch discriminates
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)
    assert result.uniform[1] == pytest.approx(truth, abs=1e-12)
    assert result.certificate is None


def _fine_grid() -> tuple[np.ndarray, np.ndarray]:
    """a x s x (2,000 midpoints of c's known range, weight 9/10 in all; missing, 1/10)."""
    mids = (np.arange(2000) + 0.5) / 2000 * 10
    values = np.append(mids, FRACTIONAL.features[2].encoded_high)
    weights = np.append(np.full(2000, 0.9 / 2000), 0.1)
    grid = np.array(list(itertools.product(range(6), range(2), range(2001))), dtype=float)
    weight = weights[grid[:, 2].astype(int)]
    grid[:, 2] = values[grid[:, 2].astype(int)]
    return grid, weight


@pytest.mark.parametrize("kind", ["tree", "hist-gradient-boosting", "imputed-tree"])
def test_a_fractional_column_missing_is_one_tenth_of_its_range(kind: str, tmp_path: Path) -> None:
    model = _model(kind, True, tmp_path)
    trees = _read(model, FRACTIONAL)
    grid, weight = _fine_grid()
    classes = _classes(model, FRACTIONAL)
    assert np.array_equal(trees.predict_encoded(grid), classes(grid))
    result = analyse(FRACTIONAL, trees, "s")
    assert result.status == "exact"
    # the grid's midpoints miss a threshold's exact place by at most half a step per split
    assert result.uniform[0] == pytest.approx(_brute_force(classes, grid, weight), abs=2e-3)


def test_a_tree_only_its_missing_branch_discriminates_gets_a_share_and_rule() -> None:
    """The class depends on s only where c is missing: the share is c's missing tenth
    (exactly), no certificate, and the exact rule says "c is missing"."""
    rng = np.random.default_rng(0)
    n = 800
    x = np.column_stack([rng.integers(0, 5, n), rng.integers(0, 2, n), rng.uniform(0, 10, n)])
    x[rng.random(n) < 0.25, 2] = np.nan
    y = np.where(np.isnan(x[:, 2]), x[:, 1], x[:, 2] > 5).astype(int)
    model = load_model(DecisionTreeClassifier(random_state=0).fit(x, y))
    result = analyse(FRACTIONAL, _read(model, FRACTIONAL), "s")
    assert result.status == "exact" and result.certificate is None
    assert result.uniform[0] == pytest.approx(0.1, abs=1e-12)
    assert [b["rule"] for b in result.boxes] == ["c is missing"]
    assert result.every_box is not None and result.atoms is not None
    bs = box_set(FRACTIONAL, result.atoms, result.every_box, skip=1)
    rules = exact_rules(bs, FRACTIONAL)
    assert [rule_text(FRACTIONAL, r.rule) for r in rules] == ["c is missing"]
    assert rules[0].share_inside == pytest.approx(1.0) and rules[0].recall == pytest.approx(1.0)


def test_a_model_that_never_uses_s_gets_a_certificate_with_missing_values() -> None:
    x, _ = _data(False)
    y = (np.isnan(x[:, 0]) | (np.nan_to_num(x[:, 2]) > 2)).astype(int)  # s plays no part
    for est in (
        DecisionTreeClassifier(random_state=0),
        HistGradientBoostingClassifier(max_iter=10),
    ):
        model = load_model(est.fit(x, y))
        trees = _read(model, DISCRETE)
        classes = _classes(model, DISCRETE)
        assert _brute_force(classes, GRID, np.ones(len(GRID))) == 0.0
        result = analyse(DISCRETE, trees, "s")
        assert result.status == "exact" and result.uniform == (0.0, 0.0)
        assert result.certificate is not None


def test_trees_that_do_not_say_where_nan_goes_are_not_read() -> None:
    """Arrays without ``missing_left`` (a reader that cannot tell) are refused where a
    missing value reaches a split, and read where none does."""
    from assay.fairness.exact import compose

    class Arrays:
        feature = np.array([0, -1, -1])
        threshold = np.array([1.5, 0.0, 0.0])
        left = np.array([1, -1, -1])
        right = np.array([2, -1, -1])
        value = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])

    said = compose(DISCRETE, [Arrays()], combine="mean")
    assert isinstance(said, str) and "where NaN goes" in said
    Arrays.feature = np.array([1, -1, -1])  # on s, never missing
    assert not isinstance(compose(DISCRETE, [Arrays()], combine="mean"), str)


@pytest.mark.parametrize("tracks", [0, 1])
def test_onnx_nodes_missing_value_tracks_true_is_followed(tracks: int, tmp_path: Path) -> None:
    """The same ONNX tree with every node's ``nodes_missing_value_tracks_true`` set to
    ``tracks``: NaN goes the true way (1) or the way its comparison sends it (0); the
    exact figures follow onnxruntime either way."""
    onnx = pytest.importorskip("onnx")
    skl2onnx = pytest.importorskip("skl2onnx")
    x, y = _data(False)
    est = DecisionTreeClassifier(random_state=0).fit(x, y)
    onx = skl2onnx.to_onnx(est, x[:1].astype(np.float32), options={id(est): {"zipmap": False}})
    node = next(n for n in onx.graph.node if n.op_type == "TreeEnsembleClassifier")
    n_nodes = len(next(a for a in node.attribute if a.name == "nodes_modes").strings)
    kept = [a for a in node.attribute if a.name != "nodes_missing_value_tracks_true"]
    del node.attribute[:]
    node.attribute.extend(kept)
    node.attribute.append(
        onnx.helper.make_attribute("nodes_missing_value_tracks_true", [tracks] * n_nodes)
    )
    path = tmp_path / "tracks.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(path)
    trees = _read(model, DISCRETE)
    classes = _classes(model, DISCRETE)
    assert np.array_equal(trees.predict_encoded(GRID), classes(GRID))
    result = analyse(DISCRETE, trees, "s")
    assert result.uniform[0] == pytest.approx(
        _brute_force(classes, GRID, np.ones(len(GRID))), abs=1e-12
    )
