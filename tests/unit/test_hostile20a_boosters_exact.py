"""XGBoost and LightGBM through the exact analysis: their ONNX exports (onnxmltools) read as
trees give the same shares as asking the exported model every input of a small domain."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pytest
import xgboost as xgb
from onnxmltools import convert_lightgbm, convert_xgboost
from onnxmltools.convert.common.data_types import FloatTensorType

from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

# every feature an integer code, as LightGBM's categorical splits need
SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 2),
        Feature("b", "integer", 0, 14),
        Feature("c", "integer", 0, 3),
    ),
    protected=("s",),
)
GRID = np.array(
    list(
        itertools.product(*[np.arange(f.encoded_low, f.encoded_high + 1) for f in SCHEMA.features])
    ),
    dtype=np.float64,
)  # 1,800 inputs


def _training(classes: int = 2, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = SCHEMA.sample_uniform(rng, n)
    # c's codes in no order (categorical splits are sets), s and b with a threshold
    score = x[:, 0] + 2 * x[:, 1] + 3 * (x[:, 2] > 7) + np.array([0, 3, -1, 2])[x[:, 3].astype(int)]
    score = score + rng.normal(0, 2, n)
    if classes == 2:
        return x, (score > 8).astype(int)
    return x, np.digitize(score, np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1]))


def _brute(model: Any, attribute: str) -> float:
    """The share of the grid whose class changes with ``attribute``, asking the model."""
    j = SCHEMA.index(attribute)
    f = SCHEMA.features[j]
    classes = []
    for v in range(int(f.encoded_low), int(f.encoded_high) + 1):
        g = GRID.copy()
        g[:, j] = v
        classes.append(labels_of(np.asarray(model.predict(SCHEMA.decode(g))), model.capabilities))
    stacked = np.stack(classes, axis=1)
    return float(np.mean(stacked.min(axis=1) != stacked.max(axis=1)))


def _export(tmp_path: Path, estimator: Any, classes: int = 2, **options: Any) -> Any:
    x, y = _training(classes)
    fit = options.pop("fit", {})
    estimator.fit(x, y, **fit)
    convert = convert_lightgbm if isinstance(estimator, lgb.LGBMClassifier) else convert_xgboost
    onx = convert(estimator, initial_types=[("X", FloatTensorType([None, len(SCHEMA)]))], **options)
    path = tmp_path / "booster.onnx"
    path.write_bytes(onx.SerializeToString())
    return load_model(str(path))


def _equals_enumeration(model: Any) -> tuple[str, ...]:
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str), trees
    assert np.array_equal(
        trees.predict_encoded(GRID),
        labels_of(np.asarray(model.predict(SCHEMA.decode(GRID))), model.capabilities),
    )
    shares = []
    for attribute in ("s", "c", "a"):
        result = analyse(SCHEMA, trees, attribute)
        assert result.status == "exact"
        assert result.uniform[0] == result.uniform[1]
        truth = _brute(model, attribute)
        assert result.uniform[0] == pytest.approx(truth, abs=1e-12), attribute
        shares.append(truth)
    assert 0 < shares[0] < 1  # the protected attribute matters somewhere, not everywhere
    return arrays.steps


XGB = dict(n_estimators=20, max_depth=3, random_state=0)
LGB = dict(n_estimators=20, num_leaves=8, random_state=0, verbose=-1)


@pytest.mark.parametrize(
    "estimator",
    [
        xgb.XGBClassifier(**XGB),  # base_score estimated from the labels
        xgb.XGBClassifier(base_score=0.8, **XGB),
        xgb.XGBClassifier(scale_pos_weight=5, **XGB),
        xgb.XGBClassifier(tree_method="exact", **XGB),
        lgb.LGBMClassifier(**LGB),
        lgb.LGBMClassifier(scale_pos_weight=5, **LGB),
    ],
    ids=["xgb", "xgb-base", "xgb-weighted", "xgb-exact", "lgbm", "lgbm-weighted"],
)
def test_booster_exports_equal_enumeration(tmp_path: Path, estimator: Any) -> None:
    _equals_enumeration(_export(tmp_path, estimator))


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_multiclass_booster_exports_equal_enumeration(tmp_path: Path, kind: str) -> None:
    estimator = xgb.XGBClassifier(**XGB) if kind == "xgb" else lgb.LGBMClassifier(**LGB)
    _equals_enumeration(_export(tmp_path, estimator, classes=3))


def test_lightgbm_export_without_zipmap_is_read(tmp_path: Path) -> None:
    """onnxmltools' LightGBM export with ``zipmap=False`` multiplies its probabilities by a
    constant 1 after the trees: that product changes nothing, so the trees are still read
    (they were refused: 'computed after the trees by Mul')."""
    _equals_enumeration(_export(tmp_path, lgb.LGBMClassifier(**LGB), zipmap=False))


@pytest.mark.parametrize("classes", [2, 3])
def test_lightgbm_categorical_splits_are_read_as_equalities(tmp_path: Path, classes: int) -> None:
    """LightGBM's native categorical splits send a *set* of codes one way; its ONNX export
    writes them as chains of ``BRANCH_EQ`` nodes (once refused), each read as its own 0/1
    column."""
    estimator = lgb.LGBMClassifier(
        **LGB, min_child_samples=5, min_data_per_group=5, cat_smooth=1, max_cat_to_onehot=2
    )
    model = _export(
        tmp_path, estimator, classes=classes, fit={"categorical_feature": [1, 3]}, zipmap=False
    )
    assert _equals_enumeration(model) == ("each equality split a 0/1 column",)


def test_a_category_value_is_compared_as_the_float32_the_graph_holds(tmp_path: Path) -> None:
    """A graph fed float tensors rounds 0.7 to 0.69999999 before it meets a threshold stored as
    float32 (0.70000002 here, or 0.7 itself): the trees read must compare that value, not
    0.7 in float64, which sends it the other way (the share read was 2/3, the model's 1/3)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType as SklFloat
    from sklearn.tree import DecisionTreeClassifier

    schema = Schema(
        (Feature("s", "integer", 0, 1), Feature("c", "categorical", categories=(0.6, 0.7, 0.8))),
        protected=("s",),
    )
    x = np.array([[s, c] for s in (0, 1) for c in (0.6, 0.8)] * 10)
    y = ((x[:, 0] == 1) & (x[:, 1] > 0.7)).astype(int)
    tree = DecisionTreeClassifier(random_state=0).fit(x, y)
    onx = convert_sklearn(
        tree,
        initial_types=[("X", SklFloat([None, 2]))],
        options={id(tree): {"zipmap": False}},
    )
    path = tmp_path / "tree.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(str(path))
    arrays = read_trees(model)
    assert not isinstance(arrays, str) and arrays.inputs32
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str)
    grid = np.array(list(itertools.product([0, 1], [0, 1, 2])), dtype=np.float64)
    theirs = labels_of(np.asarray(model.predict(schema.decode(grid))), model.capabilities)
    assert np.array_equal(trees.predict_encoded(grid), theirs)
    result = analyse(schema, trees, "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(1 / 3, abs=1e-12)


def test_xgboost_categorical_splits_are_read_as_equalities(tmp_path: Path) -> None:
    """XGBoost's own categorical splits (``enable_categorical``, a set of codes one way) are
    exported as ``BRANCH_EQ`` nodes too (onnxmltools needs the columns named f0, f1, ...)."""
    import pandas as pd

    x, y = _training()
    frame = pd.DataFrame(x, columns=[f"f{j}" for j in range(len(SCHEMA))])
    for j in (1, 3):
        frame[f"f{j}"] = pd.Categorical(x[:, j].astype(int), categories=range(4))
    estimator = xgb.XGBClassifier(**XGB, enable_categorical=True, max_cat_to_onehot=1)
    estimator.fit(frame, y)
    onx = convert_xgboost(estimator, initial_types=[("X", FloatTensorType([None, len(SCHEMA)]))])
    path = tmp_path / "categorical.onnx"
    path.write_bytes(onx.SerializeToString())
    assert _equals_enumeration(load_model(str(path))) == ("each equality split a 0/1 column",)
